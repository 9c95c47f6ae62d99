package dev.quanta.planner.system;

import java.util.List;

/** An unknown model or GPU; {@code suggestions} are the closest known names. */
public class NotFoundException extends RuntimeException {

    private final String what;
    private final String field;
    private final List<String> suggestions;

    public NotFoundException(String what, String field, String query, List<String> suggestions) {
        super("unknown " + what + " '" + query + "'" + (suggestions.isEmpty() ? ""
                : "; closest known: " + String.join(", ", suggestions)));
        this.what = what;
        this.field = field;
        this.suggestions = List.copyOf(suggestions);
    }

    public String what() {
        return what;
    }

    public String field() {
        return field;
    }

    public List<String> suggestions() {
        return suggestions;
    }
}
