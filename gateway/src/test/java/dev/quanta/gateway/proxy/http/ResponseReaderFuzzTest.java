package dev.quanta.gateway.proxy.http;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing of the upstream response reader: whatever bytes a worker sends, the reader either
 * reads responses whose heads and bodies hold together, or refuses with a {@link ProtocolException} or an
 * {@link EOFException} that says why. Any other exception (index out of bounds, overflow, out of memory) is a
 * finding, and so is a read that neither ends nor advances (the input is finite).
 *
 * <p>The first byte picks the request method (HEAD or POST) and how many bytes each read of the stream may
 * return, so chunk boundaries fall everywhere. Without {@code JAZZER_FUZZ} it replays the seeds in
 * {@code ResponseReaderFuzzTestInputs/} (well under a second); with {@code JAZZER_FUZZ=1} it fuzzes for 30 s (the
 * {@code fuzz} profile of this module, active on CI).
 */
class ResponseReaderFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void readsOrRefusesCleanly(byte[] data) {
        if (data.length == 0) {
            return;
        }
        String method = (data[0] & 1) == 0 ? "POST" : "HEAD";
        int step = 1 + ((data[0] & 0xff) >>> 1) % 64;
        byte[] wire = Arrays.copyOfRange(data, 1, data.length);
        InputStream in = new ByteArrayInputStream(wire) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, step));
            }
        };
        ResponseReader reader = new ResponseReader(in, 16);
        try {
            for (int i = 0; i < 8; i++) {
                ResponseHead head = reader.readHead();
                if (head.status() < 200 || head.status() > 999 || head.fields().length % 2 != 0) {
                    throw new AssertionError("bad head accepted: " + head);
                }
                InputStream body = reader.body(head, method);
                long total = 0;
                byte[] buf = new byte[1 + (i * 37) % 100];
                int n;
                while ((n = body.read(buf, 0, buf.length)) >= 0) {
                    if (n == 0 || n > buf.length) {
                        throw new AssertionError("a read returned " + n + " of " + buf.length);
                    }
                    total += n;
                    if (total > wire.length) {
                        throw new AssertionError("more body bytes than were sent");
                    }
                }
                if (!reader.bodyComplete()) {
                    throw new AssertionError("a body ended without being complete");
                }
                if (!reader.framedByLength()) {
                    return; // ran to the end of the stream: nothing can follow
                }
            }
        } catch (ProtocolException | EOFException expected) {
            if (expected.getMessage() == null || expected.getMessage().isBlank()) {
                throw new AssertionError("refusal without a message", expected);
            }
        } catch (IOException e) {
            throw new AssertionError("unexpected I/O failure on an in-memory stream", e);
        }
    }
}
