package dev.quanta.worker.cli;

import dev.quanta.worker.tokenizer.Tokenizer;
import dev.quanta.worker.tokenizer.Tokenizers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code quanta tokenize --model FILE (--text TEXT | --jsonl FILE) [--no-bos] [--no-parse-special]}: token ids
 * as a JSON array, with llama.cpp's {@code llama-tokenize} defaults (BOS when the vocabulary adds it, special
 * tokens parsed). With {@code --jsonl}, every input line is an object with a {@code text} field and every
 * output line the ids for it; the whole input is checked before anything is printed.
 */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Print the token ids of a text (or of every line of a JSONL file) as a JSON array.")
final class TokenizeCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE",
            description = "GGUF file whose tokenizer to use (only its header is read).")
    Path model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--text", paramLabel = "TEXT", description = "The text to tokenize.")
        String text;

        @Option(names = "--jsonl", paramLabel = "FILE",
                description = "A file ('-' for stdin) with one JSON object per line, each with a \"text\" field.")
        String jsonl;
    }

    @Option(names = "--no-bos", description = "Do not add BOS/EOS even if the vocabulary asks for them.")
    boolean noBos;

    @Option(names = "--no-parse-special",
            description = "Treat special-token texts such as <|eot_id|> as plain text.")
    boolean noParseSpecial;

    @Spec
    CommandSpec spec;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(model)) {
            throw new IOException(Files.exists(model) ? "not a regular file: " + model : "file not found: " + model);
        }
        List<String> texts = input.text != null ? List.of(input.text) : readJsonl(input.jsonl);
        Tokenizer tokenizer = Tokenizers.fromGguf(model);
        List<int[]> results = new ArrayList<>(texts.size());
        for (String text : texts) {
            results.add(tokenizer.encode(text, !noBos, !noParseSpecial));
        }
        PrintWriter out = spec.commandLine().getOut();
        for (int[] ids : results) {
            out.println(toJson(ids));
        }
        out.flush();
        return 0;
    }

    /** The {@code text} of every line; any bad line fails the whole command with its line number. */
    private static List<String> readJsonl(String file) throws IOException {
        List<String> texts = new ArrayList<>();
        try (BufferedReader reader = open(file)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                texts.add(textOf(line, number, file));
            }
        }
        return texts;
    }

    private static BufferedReader open(String file) throws IOException {
        if (file.equals("-")) {
            return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        }
        Path path = Path.of(file);
        if (!Files.isRegularFile(path)) {
            throw new IOException(Files.exists(path) ? "not a regular file: " + file : "file not found: " + file);
        }
        return Files.newBufferedReader(path, StandardCharsets.UTF_8);
    }

    private static String textOf(String line, int number, String file) throws IOException {
        String where = file + " line " + number + ": ";
        if (line.isBlank()) {
            throw new IOException(where + "empty line (expected a JSON object with a \"text\" field)");
        }
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JacksonException e) {
            throw new IOException(where + "not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (node == null || !node.isObject()) {
            throw new IOException(where + "expected a JSON object with a \"text\" field");
        }
        JsonNode text = node.get("text");
        if (text == null || !text.isString()) {
            throw new IOException(where + "\"text\" is " + (text == null ? "missing" : "not a string"));
        }
        return text.asString();
    }

    /** {@code [1, 15043, 3186]}: the format of {@code llama-tokenize --ids}, and valid JSON. */
    static String toJson(int[] ids) {
        StringBuilder sb = new StringBuilder(ids.length * 7 + 2).append('[');
        for (int i = 0; i < ids.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(ids[i]);
        }
        return sb.append(']').toString();
    }
}
