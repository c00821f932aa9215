package dev.dalle2.cli;

import dev.dalle2.tokenizer.BpeTrainer;
import dev.dalle2.tokenizer.Merges;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code dalle2 train tokenizer}: learns a byte-pair merge list from captions and writes it in CLIP's format. */
@Command(name = "tokenizer", mixinStandardHelpOptions = true,
        description = "Learn a byte-pair merge list from captions (.jsonl with a \"caption\" field, or one caption per line).")
final class TrainTokenizerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--captions", required = true, paramLabel = "FILE",
            description = "Captions: a .jsonl file whose lines have a \"caption\" field, or a text file with one caption per line.")
    Path captions;

    @Option(names = "--vocab-size", required = true, paramLabel = "N",
            description = "Vocabulary size: 512 byte tokens + merges + 2 special tokens.")
    int vocabSize;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The merge file to write (.gz to compress).")
    Path out;

    @Override
    public Integer call() throws Exception {
        List<String> texts = BpeTrainer.readCaptions(captions);
        if (texts.isEmpty()) {
            throw new IllegalArgumentException(captions + ": no captions");
        }
        long start = System.nanoTime();
        Merges merges = BpeTrainer.train(texts, vocabSize);
        merges.save(out);
        int wanted = vocabSize - BpeTrainer.BASE_VOCAB;
        spec.commandLine().getOut().printf("learned %d merges%s from %d captions in %.1f s: vocabulary %d, written to %s%n",
                merges.size(), merges.size() < wanted ? " (no pairs left to merge)" : "", texts.size(),
                (System.nanoTime() - start) / 1e9, BpeTrainer.BASE_VOCAB + merges.size(), out);
        return 0;
    }
}
