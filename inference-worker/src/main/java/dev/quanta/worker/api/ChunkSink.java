package dev.quanta.worker.api;

import java.io.IOException;
import tools.jackson.databind.node.ObjectNode;

/** Where a streamed response's chunks go (the SSE writer; a list in tests). */
public interface ChunkSink {

    /** One {@code data: {...}} event. */
    void send(ObjectNode chunk) throws IOException;

    /** The final {@code data: [DONE]}. */
    void done() throws IOException;
}
