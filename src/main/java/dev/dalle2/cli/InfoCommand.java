package dev.dalle2.cli;

import dev.dalle2.nn.Autocast;
import dev.dalle2.nn.Engine;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;

/** {@code dalle2 info}: the engine, the device, threads and versions. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show the tensor engine, the device, threads and versions.")
final class InfoCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda or auto (default: ${DEFAULT-VALUE}).")
    String device;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        Engine.start();
        String chosen = Engine.useDevice(device).str().getString();
        out.printf("dalle2     %s%n", Versions.project());
        out.printf("engine     libtorch %s via JavaCPP presets %s%n", Versions.presets().split("-")[0], Versions.presets());
        out.printf("platform   %s%n", Loader.getPlatform());
        out.printf("device     %s (CUDA %s)%n", chosen, torch.cuda_is_available()
                ? "available, " + torch.cuda_device_count() + " device(s)" : "not available");
        out.printf("threads    %d of %d cores%n", Engine.threads(), Runtime.getRuntime().availableProcessors());
        out.printf("bf16       %s%n", bf16Works() ? "autocast on the CPU works" : "not supported");
        out.printf("java       %s (%s)%n", System.getProperty("java.version"), System.getProperty("java.vm.name"));
        out.printf("memory     %d MiB max heap; native tensors live outside the heap%n",
                Runtime.getRuntime().maxMemory() >> 20);
    }

    private static boolean bf16Works() {
        try (Autocast a = Autocast.bf16(true)) {
            var x = dev.dalle2.nn.Ops.ones(2, 2);
            return x.matmul(x).scalar_type().intern() == torch.ScalarType.BFloat16;
        }
    }
}
