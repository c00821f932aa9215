package dev.dalle2.nn;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Start-up and global settings of the tensor engine (libtorch through the JavaCPP presets).
 *
 * <p>{@link #start()} must run before any libtorch class is touched: it extracts the native
 * libraries into JavaCPP's cache before they are loaded (extracting and loading them in one go
 * crashed the JVM with SIGSEGV on a fresh machine), and sets the intra-op thread count to the
 * number of cores. Every class of this package that touches libtorch calls it in its static
 * initialiser, so user code rarely needs to. OpenBLAS is kept to one thread per call: libtorch's
 * OpenMP threads already use every core.
 */
public final class Engine {
    private static boolean started;
    private static Device device;
    private static Boolean nativeBf16;

    private Engine() {}

    /** Extracts and loads the natives once, then sets threads to the number of cores. Idempotent. */
    public static synchronized void start() {
        if (started) {
            return;
        }
        String platform = Loader.getPlatform();
        String extension = System.getProperty("org.bytedeco.javacpp.platform.extension", "");
        try {
            Loader.cacheResources(Loader.class, "/org/bytedeco/javacpp/" + platform + "/");
            Loader.cacheResources(Loader.class, "/org/bytedeco/openblas/" + platform + "/");
            Loader.cacheResources(Loader.class, "/org/bytedeco/pytorch/" + platform + extension + "/");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract libtorch's native libraries for " + platform, e);
        }
        // libtorch parallelises with OpenMP and calls OpenBLAS from inside its parallel regions;
        // OpenBLAS's own thread pool then competes for the same cores (measured: fp32 training 2.7x
        // slower, sampling 7x slower on 2 cores), so BLAS runs single-threaded within each op.
        org.bytedeco.openblas.global.openblas_nolapack.blas_set_num_threads(1);
        torch.set_num_threads(Runtime.getRuntime().availableProcessors());
        device = kept(new Device(torch.DeviceType.CPU));
        started = true;
    }

    /**
     * Whether bf16 arithmetic is native here, so that autocast makes convolutions and matmuls faster rather than
     * slower: a CUDA device, or a CPU whose flags in /proc/cpuinfo include {@code avx512_bf16} or {@code amx_bf16}
     * (elsewhere bf16 may be emulated in fp32, so it is not assumed to be faster).
     */
    public static synchronized boolean nativeBf16() {
        if (nativeBf16 == null) {
            start();
            nativeBf16 = !device.is_cpu() || cpuFlags().matches("(?s).*\\b(avx512_bf16|amx_bf16)\\b.*");
        }
        return nativeBf16;
    }

    private static String cpuFlags() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/cpuinfo"));
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /**
     * Chooses the device for new models and tensors: {@code "cpu"}, {@code "cuda"} (fails when no
     * GPU is present) or {@code "auto"} (the GPU when present, else the CPU).
     */
    public static synchronized Device useDevice(String name) {
        start();
        boolean cuda = torch.cuda_is_available();
        switch (name) {
            case "cpu" -> device = kept(new Device(torch.DeviceType.CPU));
            case "cuda" -> {
                if (!cuda) {
                    throw new IllegalArgumentException("--device cuda: no CUDA device is available "
                            + "(build with -Pgpu and run on a machine with an NVIDIA GPU)");
                }
                device = kept(new Device(torch.DeviceType.CUDA));
            }
            case "auto" -> device = kept(new Device(cuda ? torch.DeviceType.CUDA : torch.DeviceType.CPU));
            default -> throw new IllegalArgumentException("unknown device '" + name + "' (use cpu, cuda or auto)");
        }
        return device;
    }

    /** Keeps a global object alive even when it was created inside a caller's {@code PointerScope}. */
    private static Device kept(Device d) {
        d.retainReference();
        return d;
    }

    /** The device chosen with {@link #useDevice}; the CPU by default. */
    public static synchronized Device device() {
        start();
        return device;
    }


    public static int threads() {
        start();
        return torch.get_num_threads();
    }

    /** Seeds libtorch's default generator, which draws every initialisation and dropout mask. */
    public static void seed(long seed) {
        start();
        torch.manual_seed(seed);
    }
}
