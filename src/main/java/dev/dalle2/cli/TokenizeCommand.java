package dev.dalle2.cli;

import dev.dalle2.tokenizer.BpeTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code dalle2 tokenize TEXT}: the BPE ids of a text with start and end tokens on one line, then
 * one row per id with its token string and the text it stands for (U+FFFD for part of a character).
 */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Show the token ids of a text (with start and end tokens) and the token of each id.")
final class TokenizeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "TEXT", description = "The text to tokenize.")
    String text;

    @Option(names = "--vocab", paramLabel = "FILE",
            description = "A merge file (plain or .gz) as written by 'train tokenizer'; default: CLIP's.")
    Path vocab;

    @Option(names = "--context", paramLabel = "N", defaultValue = "77",
            description = "Context length; longer texts are cut, keeping the end token (default: ${DEFAULT-VALUE}).")
    int context;

    @Override
    public Integer call() throws Exception {
        if (text.isBlank()) {
            throw new IllegalArgumentException("nothing to tokenize: the text is empty");
        }
        BpeTokenizer tokenizer = vocab == null ? BpeTokenizer.clip() : BpeTokenizer.load(vocab);
        long[] row = tokenizer.tokenize(List.of(text), context)[0];
        int length = 1;
        while (row[length - 1] != tokenizer.endToken()) {
            length++;
        }
        int[] ids = Arrays.stream(row, 0, length).mapToInt(v -> (int) v).toArray();
        PrintWriter out = spec.commandLine().getOut();
        out.println(Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(" ")));
        List<String> tokens = tokenizer.tokens(ids);
        int width = tokens.stream().mapToInt(String::length).max().orElse(0);
        for (int i = 0; i < ids.length; i++) {
            out.printf("%6d  %-" + width + "s  %s%n", ids[i], tokens.get(i), tokenizer.decode(new int[] {ids[i]}));
        }
        int full = tokenizer.encode(text).length + 2;
        out.printf("%d of %d context tokens%s, vocabulary %d%n", length, context,
                full > context ? " (cut from " + full + ")" : "", tokenizer.vocabSize());
        return 0;
    }
}
