package dev.quanta.gateway.discovery;

import dev.quanta.gateway.routing.WorkerLoad;

/**
 * Reads the few vLLM series the router needs out of a Prometheus text exposition. Pure; unknown lines,
 * comments and labels are ignored; a series present several times (several label sets) is summed.
 */
public final class MetricsText {

    private MetricsText() {}

    public static WorkerLoad parse(String text) {
        double waiting = 0;
        double running = 0;
        double kv = 0;
        double queries = 0;
        double hits = 0;
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.charAt(0) == '#' || !line.startsWith("vllm:")) {
                continue;
            }
            String name = nameOf(line);
            double value = valueOf(line);
            if (Double.isNaN(value)) {
                continue;
            }
            switch (name) {
                case "vllm:num_requests_waiting" -> waiting += value;
                case "vllm:num_requests_running" -> running += value;
                case "vllm:kv_cache_usage_perc" -> kv = Math.max(kv, value);
                case "vllm:prefix_cache_queries_total", "vllm:prefix_cache_queries" -> queries += value;
                case "vllm:prefix_cache_hits_total", "vllm:prefix_cache_hits" -> hits += value;
                default -> { }
            }
        }
        return new WorkerLoad(waiting, running, kv, queries, hits);
    }

    private static String nameOf(String line) {
        int end = 0;
        while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
            end++;
        }
        return line.substring(0, end);
    }

    /** The sample value: the first field after the name and labels (a timestamp may follow). */
    private static double valueOf(String line) {
        int brace = line.indexOf('}');
        int from = brace >= 0 ? brace + 1 : line.indexOf(' ');
        if (from < 0) {
            return Double.NaN;
        }
        String rest = line.substring(from).strip();
        int space = rest.indexOf(' ');
        String number = space >= 0 ? rest.substring(0, space) : rest;
        try {
            return Double.parseDouble(number);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
