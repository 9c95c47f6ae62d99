package dev.quanta.worker.api;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.node.ObjectNode;

/** Server-sent events as OpenAI writes them: {@code data: <json>\n\n} per chunk, flushed, then {@code data: [DONE]}. */
final class SseSink implements ChunkSink {

    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;

    SseSink(OutputStream out) {
        this.out = out;
    }

    @Override
    public void send(ObjectNode chunk) throws IOException {
        out.write(DATA);
        out.write(Json.MAPPER.writeValueAsBytes(chunk));
        out.write(END);
        out.flush(); // a client that went away fails here: the caller cancels the request
    }

    @Override
    public void done() throws IOException {
        out.write(DONE);
        out.flush();
    }
}
