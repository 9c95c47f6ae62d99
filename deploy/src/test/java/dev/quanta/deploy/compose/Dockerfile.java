package dev.quanta.deploy.compose;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A Dockerfile read into its global ARGs and build stages (enough to check what the tests check, no more). */
record Dockerfile(Map<String, String> globalArgs, List<Stage> stages) {

    record Instruction(String keyword, String args) {}

    record Stage(String image, String name, List<Instruction> instructions) {

        List<Instruction> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
        }
    }

    static Dockerfile read(Path file) throws IOException {
        List<String> logical = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(file)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
            } else {
                current.append(trimmed);
                logical.add(current.toString().strip());
                current.setLength(0);
            }
        }
        Map<String, String> globalArgs = new LinkedHashMap<>();
        List<Stage> stages = new ArrayList<>();
        for (String line : logical) {
            int space = line.indexOf(' ');
            String keyword = line.substring(0, space).toUpperCase(Locale.ROOT);
            String args = line.substring(space + 1).strip();
            if (keyword.equals("FROM")) {
                String[] parts = args.split("\\s+");
                String image = parts[0];
                String name = parts.length >= 3 && parts[1].equalsIgnoreCase("AS") ? parts[2] : null;
                stages.add(new Stage(resolve(image, globalArgs), name, new ArrayList<>()));
            } else if (stages.isEmpty()) {
                if (!keyword.equals("ARG")) {
                    throw new IllegalStateException(file + ": " + keyword + " before the first FROM");
                }
                String[] kv = args.split("=", 2);
                globalArgs.put(kv[0], kv.length == 2 ? kv[1] : null);
            } else {
                stages.getLast().instructions().add(new Instruction(keyword, args));
            }
        }
        return new Dockerfile(globalArgs, stages);
    }

    private static String resolve(String image, Map<String, String> args) {
        if (image.startsWith("${") && image.endsWith("}")) {
            String value = args.get(image.substring(2, image.length() - 1));
            if (value == null) {
                throw new IllegalStateException("FROM " + image + " has no default");
            }
            return value;
        }
        return image;
    }

    Stage stage(String name) {
        return stages.stream().filter(s -> name.equals(s.name())).findFirst()
                .orElseThrow(() -> new AssertionError("no stage " + name));
    }

    Stage runtime() {
        return stages.getLast();
    }
}
