package dev.quanta.worker.engine;

import java.util.List;

/**
 * Finds stop strings in a sequence's streamed text and holds back text that might be the start of one, so a stream
 * never shows part of a stop string (OpenAI semantics: the stop string itself is not returned). One per sequence.
 */
final class StopStrings {

    private final List<String> stops;
    private final int longest;
    private final StringBuilder pending = new StringBuilder(); // text not yet released

    StopStrings(List<String> stops) {
        this.stops = stops;
        int max = 0;
        for (String s : stops) {
            max = Math.max(max, s.length());
        }
        this.longest = max;
    }

    /** The outcome of adding text: what may be shown now, and whether a stop string ended the sequence. */
    record Result(String release, boolean stopped) {}

    Result push(String text) {
        if (stops.isEmpty()) {
            return new Result(text, false);
        }
        pending.append(text);
        int earliest = -1;
        for (String s : stops) {
            int at = pending.indexOf(s);
            if (at >= 0 && (earliest < 0 || at < earliest)) {
                earliest = at;
            }
        }
        if (earliest >= 0) {
            String out = pending.substring(0, earliest);
            pending.setLength(0);
            return new Result(out, true);
        }
        int hold = heldSuffix();
        String out = pending.substring(0, pending.length() - hold);
        pending.delete(0, pending.length() - hold);
        return new Result(out, false);
    }

    /** Text still held back (released when the sequence ends for another reason). */
    String drain() {
        String out = pending.toString();
        pending.setLength(0);
        return out;
    }

    /** Length of the longest suffix of the pending text that is a proper prefix of some stop string. */
    private int heldSuffix() {
        int n = pending.length();
        String text = pending.toString();
        for (int len = Math.min(n, longest - 1); len > 0; len--) {
            for (String s : stops) {
                if (s.length() > len && text.regionMatches(n - len, s, 0, len)) {
                    return len;
                }
            }
        }
        return 0;
    }
}
