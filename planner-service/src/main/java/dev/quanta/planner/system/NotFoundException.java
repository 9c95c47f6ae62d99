package dev.quanta.planner.system;

import dev.quanta.edge.problem.ProblemException;
import dev.quanta.edge.problem.ProblemType;
import java.util.List;

/** An unknown model or GPU: 404 {@code not-found} naming the field, with the closest known names. */
public class NotFoundException extends ProblemException {

    private final List<String> suggestions;

    public NotFoundException(String what, String field, String query, List<String> suggestions) {
        super(ProblemType.NOT_FOUND, "Unknown " + what, "unknown " + what + " '" + query
                + "'" + (suggestions.isEmpty() ? "" : "; closest known: " + String.join(", ", suggestions)), field);
        this.suggestions = List.copyOf(suggestions);
        with("suggestions", this.suggestions);
    }

    public List<String> suggestions() {
        return suggestions;
    }
}
