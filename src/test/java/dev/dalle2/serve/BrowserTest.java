package dev.dalle2.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dalle2.pipeline.Pipeline;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The page of {@code dalle2 serve} in headless Chromium against the real server with the shapes model and an
 * API key: the key field and the server's 401, generate (with its live progress bar), variations, an edit with a painted mask, an interpolation
 * scrubbed with its slider, a server error shown readably, and the history after a reload.
 * Skipped without /usr/bin/chromium and /usr/bin/chromedriver unless DALLE2_REQUIRE_BROWSER is set.
 * Screenshots of each stage go to target/browser/; the last one replaces the committed docs/serve.png only with
 * {@code -Ddalle2.docs.screenshot=true} (or when it is missing), so a test run leaves the work tree clean.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class BrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SHOTS = Path.of("target/browser");
    private static final Path DOCS_SHOT = Path.of("docs/serve.png");
    private static final String API_KEY = "browser-test-key";
    private static final boolean BROWSER = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);

    private static String base;
    private static ImageServer server;
    private static ChromeDriver driver;
    private static Path profile;

    @BeforeAll
    static void start() throws Exception {
        if (!BROWSER && System.getenv("DALLE2_REQUIRE_BROWSER") != null) {
            fail("install chromium and chromium-driver (DALLE2_REQUIRE_BROWSER is set)");
        }
        if (!BROWSER) {
            return; // skipped in skipWithoutBrowser, where the report shows it
        }
        startServer();
        profile = Files.createTempDirectory("dalle2-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toString());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--window-size=1280,1000");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        Files.createDirectories(SHOTS);
    }

    /** Starts the server in-process on a free loopback port with the shapes model and an API key. */
    private static void startServer() throws IOException {
        Pipeline pipeline = Pipeline.load(Path.of("models/shapes"));
        pipeline.showProgress(false);
        ImageServer started = ImageServer.start(pipeline, ServerOptions.DEFAULT.withPort(0).withApiKey(API_KEY));
        server = started;
        base = started.url();
    }

    @BeforeEach
    void skipWithoutBrowser() {
        assumeTrue(BROWSER, "install chromium and chromium-driver");
    }

    @AfterAll
    static void stop() throws Exception {
        if (driver != null) driver.quit();
        if (server != null) server.close();
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @Test
    void generateVaryEditInterpolateThenReloadTheHistory() throws Exception {
        driver.get(base + "/");
        await("the page reads /api/info", d -> text("#model-info").startsWith("model "));
        recordProgress();

        // The server wants a key: the page shows the field, and a job sent without it shows the server's 401 message.
        assertTrue(find("#api-key").isDisplayed(), "the page shows the API key field when /api/info says auth");
        type("#prompt", "a red circle");
        find("#prompt").sendKeys(Keys.ENTER);
        WebElement refused = awaitCards(1);
        assertEquals("error", refused.getDomAttribute("data-state"));
        String noKey = serverError("{\"prompt\":\"a red circle\"}", null, 401);
        assertTrue(refused.findElement(By.cssSelector("[data-test=job-error]")).getText().startsWith(noKey),
                "the card shows the server's message: " + noKey);
        refused.findElement(By.cssSelector("[data-test=dismiss]")).click();
        await("the refused job's card goes away", d -> cards().isEmpty());
        type("#api-key", API_KEY);

        // Generate four images with Enter in the prompt box; the bar must move while they are made.
        type("#n", "4");
        type("#steps", "4");
        type("#seed", "7");
        type("#prompt", "a red circle");
        find("#prompt").sendKeys(Keys.ENTER);
        await("the job starts", d -> !cards().isEmpty());
        if (await("the bar moves or the job ends", d -> (Boolean) driver.executeScript(
                "const c = document.querySelector('#results > [data-test=job]');"
                        + "return c.dataset.state !== 'running' || c.querySelector('[data-test=progress]').value > 0;"))
                && "running".equals(cards().get(0).getDomAttribute("data-state"))) {
            screenshot("01-progress");
        }
        WebElement generation = awaitJob(1, "generation");
        List<String> generated = loadedImages(generation, 4);
        assertProgressMoved();
        screenshot("02-generated");

        // A server error (n out of range) shows the server's own message in the job's card.
        type("#n", "9");
        find("#prompt").sendKeys(Keys.ENTER);
        WebElement failed = awaitCards(2);
        assertEquals("error", failed.getDomAttribute("data-state"));
        String shown = failed.findElement(By.cssSelector("[data-test=job-error]")).getText();
        assertEquals(serverError("{\"prompt\":\"a red circle\",\"n\":9,\"seed\":7,\"steps\":4}", API_KEY, 400), shown);
        failed.findElement(By.cssSelector("[data-test=dismiss]")).click();
        await("the failed job's card goes away", d -> cards().size() == 1);

        // Variations of the first image.
        type("#n", "2");
        tiles(generation).get(0).findElement(By.cssSelector("[data-test=variations]")).click();
        WebElement variations = awaitJob(2, "variations");
        List<String> varied = loadedImages(variations, 2);
        assertTrue(generated.stream().noneMatch(varied::contains), "variations are new images");
        screenshot("03-variations");

        // Edit: paint a stroke on the mask over the second image, check the mask, repaint.
        tiles(generation).get(1).findElement(By.cssSelector("[data-test=edit]")).click();
        await("the editor opens", d -> find("#editor").getDomAttribute("open") != null);
        WebElement mask = find("#editor-mask");
        new Actions(driver).moveToElement(mask, -60, -20).clickAndHold().moveByOffset(60, 0).moveByOffset(60, 40)
                .release().perform();
        assertMaskMarksThePaintedPixels();
        type("#edit-prompt", "a blue square");
        screenshot("04-editor");
        find("#edit-submit").click();
        WebElement edit = awaitJob(3, "edit");
        loadedImages(edit, 2);
        screenshot("05-edited");

        // Interpolate between a generated image and a variation, then scrub the frames.
        tiles(generation).get(2).findElement(By.cssSelector("[data-test=select]")).click();
        assertFalse(find("#interpolate").isEnabled(), "interpolate needs two images");
        tiles(variations).get(0).findElement(By.cssSelector("[data-test=select]")).click();
        type("#frames", "4");
        find("#interpolate").click();
        WebElement interpolation = awaitJob(4, "interpolation");
        List<String> firstFrame = loadedImages(interpolation, 1);
        WebElement slider = interpolation.findElement(By.cssSelector("[data-test=frame-slider]"));
        assertEquals("3", slider.getDomAttribute("max"));
        slider.sendKeys(Keys.ARROW_RIGHT);
        await("the slider shows another frame", d -> !loadedImages(interpolation, 1).equals(firstFrame));
        assertEquals("frame 2 of 4", interpolation.findElement(By.cssSelector("[data-test=frame-label]")).getText());
        slider.sendKeys(Keys.END);
        await("the slider reaches the last frame",
                d -> text("[data-kind=interpolation] [data-test=frame-label]").equals("frame 4 of 4"));
        screenshot("06-interpolated");
        slider.sendKeys(Keys.HOME);
        await("the slider shows the first frame again", d -> loadedImages(interpolation, 1).equals(firstFrame));

        // After a reload the history shows the same results in the same order.
        List<String> before = allImages();
        driver.navigate().refresh();
        await("the page reads /api/info after the reload", d -> text("#model-info").startsWith("model "));
        assertEquals(4, cards().size(), "the history shows the four jobs after a reload");
        assertEquals(API_KEY, find("#api-key").getDomProperty("value"), "the page keeps the API key");
        assertEquals(names(before), names(allImages()), "the history shows the results from before the reload");
        for (WebElement card : cards()) loadedImages(card, card.findElements(By.cssSelector("[data-test=result-img]")).size());
        driver.executeScript("window.scrollTo(0, 0); document.activeElement.blur();");
        Path last = screenshot("07-history");
        if (Boolean.getBoolean("dalle2.docs.screenshot") || !Files.exists(DOCS_SHOT)) {
            Files.copy(last, DOCS_SHOT, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    // ------------------------------------------------------------------ page helpers

    /** Waits up to 60 s (the CPU is slow) for a condition, naming it when it times out. */
    private static <T> T await(String what, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(60), Duration.ofMillis(100)).withMessage(what).until(condition);
    }

    private static WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    private static String text(String css) {
        List<WebElement> found = driver.findElements(By.cssSelector(css));
        return found.isEmpty() ? "" : found.get(0).getText();
    }

    /** Replaces an input's text. */
    private static void type(String css, String value) {
        WebElement input = find(css);
        input.clear();
        input.sendKeys(value);
    }

    private static List<WebElement> cards() {
        return driver.findElements(By.cssSelector("#results > [data-test=job]"));
    }

    private static List<WebElement> tiles(WebElement card) {
        return card.findElements(By.cssSelector("[data-test=result]"));
    }

    /** Waits for the count-th card to appear and leave the running state; returns it (the newest). */
    private static WebElement awaitCards(int count) {
        await("job " + count + " finishes",
                d -> cards().size() == count && !"running".equals(cards().get(0).getDomAttribute("data-state")));
        return cards().get(0);
    }

    /** Waits for the count-th job to finish and checks that it did, of the given kind. */
    private static WebElement awaitJob(int count, String kind) {
        WebElement card = awaitCards(count);
        String error = card.findElement(By.cssSelector("[data-test=job-error]")).getText();
        assertEquals("done", card.getDomAttribute("data-state"), "the " + kind + " job failed: " + error);
        assertEquals(kind, card.getDomAttribute("data-kind"));
        return card;
    }

    /** Waits until the card shows count decoded images and returns their sources. */
    @SuppressWarnings("unchecked")
    private static List<String> loadedImages(WebElement card, int count) {
        String script = "const imgs = [...arguments[0].querySelectorAll('[data-test=result-img]')];"
                + "return imgs.length === arguments[1] && imgs.every(i => i.complete && i.naturalWidth > 0)"
                + " ? imgs.map(i => i.src) : null;";
        return (List<String>) await(count + " images load", d -> ((JavascriptExecutor) d).executeScript(script, card, count));
    }

    /** Short names for image sources (data URLs are long): length and hash. */
    private static List<String> names(List<String> sources) {
        return sources.stream().map(s -> s.length() + ":" + Integer.toHexString(s.hashCode())).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<String> allImages() {
        return (List<String>) driver.executeScript(
                "return [...document.querySelectorAll('#results [data-test=result-img]')].map(i => i.src);");
    }

    /** Records every value the progress bars take and every status line, from before the job starts. */
    private static void recordProgress() {
        driver.executeScript("window.seenProgress = []; window.seenStatus = [];"
                + "new MutationObserver(ms => { for (const m of ms) {"
                + "  const t = m.target.nodeType === 1 ? m.target : m.target.parentElement;"
                + "  if (t.matches('[data-test=progress]')) seenProgress.push(t.value);"
                + "  if (t.matches('[data-test=status]')) seenStatus.push(t.textContent);"
                + "} }).observe(document.getElementById('results'),"
                + "  {attributes: true, attributeFilter: ['value'], childList: true, characterData: true, subtree: true});");
    }

    /** The progress bar took several values strictly between empty and full, with "step k of n" lines. */
    @SuppressWarnings("unchecked")
    private static void assertProgressMoved() {
        List<Number> values = (List<Number>) driver.executeScript("return seenProgress;");
        List<String> status = (List<String>) driver.executeScript("return seenStatus;");
        long between = values.stream().mapToDouble(Number::doubleValue).filter(v -> v > 0 && v < 1).distinct().count();
        assertTrue(between >= 2, "the progress bar moved through several values: " + values);
        assertTrue(status.stream().anyMatch(s -> s.matches("(prior|decoder|upsampler): step \\d+ of \\d+")),
                "a status line names the stage and step: " + status);
    }

    /** The mask PNG the page would send: the painted start point transparent, an unpainted corner opaque. */
    @SuppressWarnings("unchecked")
    private static void assertMaskMarksThePaintedPixels() {
        Map<String, Object> alpha = (Map<String, Object>) driver.executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "maskBlob().then(b => createImageBitmap(b)).then(bm => {"
                        + "  const c = document.createElement('canvas'); c.width = bm.width; c.height = bm.height;"
                        + "  const g = c.getContext('2d'); g.drawImage(bm, 0, 0);"
                        + "  const m = document.getElementById('editor-mask'); const r = m.getBoundingClientRect();"
                        + "  const x = Math.floor((r.width / 2 - 60) * bm.width / r.width);"
                        + "  const y = Math.floor((r.height / 2 - 20) * bm.height / r.height);"
                        + "  const a = g.getImageData(0, 0, bm.width, bm.height).data;"
                        + "  let clear = 0; for (let i = 3; i < a.length; i += 4) clear += a[i] === 0 ? 1 : 0;"
                        + "  done({painted: a[(y * bm.width + x) * 4 + 3], corner: a[(bm.height - 1) * bm.width * 4 + 3],"
                        + "        clear, total: bm.width * bm.height, width: bm.width, image: document.getElementById('editor-image').width});"
                        + "}, e => done({error: String(e)}));");
        assertEquals(null, alpha.get("error"));
        assertEquals(alpha.get("image"), alpha.get("width"), "the mask has the image's size");
        assertEquals(0L, alpha.get("painted"), "painted pixels are transparent (repaint)");
        assertEquals(255L, alpha.get("corner"), "unpainted pixels are opaque (keep)");
        long clear = (Long) alpha.get("clear");
        assertTrue(clear > 0 && clear < (Long) alpha.get("total") / 2, "the stroke covers part of the image: " + alpha);
    }

    /** The error message the server itself gives for this generation request (sent with the key, if not null). */
    private static String serverError(String json, String key, int status) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/api/jobs/generations"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (key != null) request.header("Authorization", "Bearer " + key);
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(status, response.statusCode(), response.body());
        String message = new ObjectMapper().readTree(response.body()).path("error").path("message").asText();
        assertFalse(message.isBlank(), response.body());
        return message;
    }

    private static Path screenshot(String name) throws IOException {
        Path file = SHOTS.resolve(name + ".png");
        Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        return file;
    }
}
