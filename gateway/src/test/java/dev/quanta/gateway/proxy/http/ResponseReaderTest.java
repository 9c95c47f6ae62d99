package dev.quanta.gateway.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The response framing against hand-written wire bytes: every message ends where its framing says, so the next
 * one on the same connection reads cleanly; whatever breaks the grammar or the bounds is a protocol error; the
 * same bytes arriving one at a time read the same.
 */
class ResponseReaderTest {

    /** What one response read off the wire gives: its head and its whole body. */
    record Read(ResponseHead head, String body, boolean reusable) {}

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Hands out at most one byte per read, as a slow network might. */
    private static InputStream trickle(byte[] bytes) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1));
            }
        };
    }

    private static List<Read> readAll(InputStream in, int responses, String method) throws IOException {
        ResponseReader reader = new ResponseReader(in, 16);
        List<Read> out = new ArrayList<>();
        for (int i = 0; i < responses; i++) {
            ResponseHead head = reader.readHead();
            String body = new String(reader.body(head, method).readAllBytes(), StandardCharsets.ISO_8859_1);
            out.add(new Read(head, body, reader.bodyComplete() && reader.framedByLength() && head.keepAlive()));
        }
        return out;
    }

    private static List<Read> both(String wire, int responses, String method) throws IOException {
        List<Read> whole = readAll(new ByteArrayInputStream(ascii(wire)), responses, method);
        List<Read> trickled = readAll(trickle(ascii(wire)), responses, method);
        assertThat(trickled).isEqualTo(whole);
        return whole;
    }

    @Test
    void aLengthDelimitedBodyEndsAtItsLengthAndTheNextResponseFollows() throws IOException {
        List<Read> reads = both("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}"
                + "HTTP/1.1 404 \r\ncontent-length: 2\r\n\r\n{}", 2, "POST");
        assertThat(reads.get(0).head().status()).isEqualTo(200);
        assertThat(reads.get(0).head().header("content-type")).isEqualTo("application/json");
        assertThat(reads.get(0).body()).isEqualTo("{\"a\":1}");
        assertThat(reads.get(0).reusable()).isTrue();
        assertThat(reads.get(1).head().status()).isEqualTo(404);
        assertThat(reads.get(1).body()).isEqualTo("{}");
    }

    @Test
    void chunksAreJoinedWithExtensionsAndTrailersDroppedAndTheNextResponseFollows() throws IOException {
        List<Read> reads = both("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n1a \r\n, a chunk of 26 bytes here\r\n0\r\nX-Trailer: t\r\n\r\n"
                + "HTTP/1.1 204 No Content\r\n\r\n", 2, "POST");
        assertThat(reads.get(0).body()).isEqualTo("hello, a chunk of 26 bytes here");
        assertThat(reads.get(0).reusable()).isTrue();
        assertThat(reads.get(1).head().status()).isEqualTo(204);
        assertThat(reads.get(1).body()).isEmpty();
    }

    @Test
    void bareLineFeedsEndLinesAsCrLfDoes() throws IOException {
        Read read = both("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n3\nabc\n0\n\n", 1, "POST").getFirst();
        assertThat(read.body()).isEqualTo("abc");
        assertThat(read.reusable()).isTrue();
    }

    @Test
    void informationalHeadsAreSkipped() throws IOException {
        Read read = both("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 1, "POST").getFirst();
        assertThat(read.head().status()).isEqualTo(200);
        assertThat(read.body()).isEqualTo("ok");
    }

    @Test
    void headAnd304AnswersHaveNoBodyWhateverTheirLength() throws IOException {
        List<Read> reads = both("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n"
                + "HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n", 2, "HEAD");
        assertThat(reads).allSatisfy(r -> assertThat(r.body()).isEmpty());
    }

    @Test
    void withoutLengthOrChunksTheBodyRunsToTheCloseAndTheConnectionIsNotReused() throws IOException {
        Read read = both("HTTP/1.1 200 OK\r\n\r\nall of this until the end", 1, "POST").getFirst();
        assertThat(read.body()).isEqualTo("all of this until the end");
        assertThat(read.reusable()).isFalse();
    }

    @Test
    void anEncodingOtherThanChunkedLastRunsToTheClose() throws IOException {
        Read read = both("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\nraw", 1, "POST").getFirst();
        assertThat(read.body()).isEqualTo("raw");
        assertThat(read.reusable()).isFalse();
    }

    @Test
    void connectionCloseHttp10AndAmbiguousFramingAreNotReused() throws IOException {
        assertThat(both("HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 0\r\n\r\n", 1, "POST")
                .getFirst().reusable()).isFalse();
        assertThat(both("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", 1, "POST").getFirst().reusable()).isFalse();
        assertThat(both("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n", 1, "POST")
                .getFirst().reusable()).isTrue();
        Read both = both("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n",
                1, "POST").getFirst();
        assertThat(both.body()).isEqualTo("ab"); // the transfer coding wins
        assertThat(both.reusable()).isFalse();
    }

    @Test
    void repeatedEqualLengthsAreOneLength() throws IOException {
        Read read = both("HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\nContent-Length: 2\r\n\r\nab", 1, "POST").getFirst();
        assertThat(read.body()).isEqualTo("ab");
    }

    @Test
    void fieldValuesLoseSurroundingWhitespaceAndKeepTheirCase() throws IOException {
        ResponseHead head = both("HTTP/1.1 201 Created\r\nX-Thing: \t Mixed Case \t\r\nEmpty:\r\nContent-Length: 0\r\n\r\n",
                1, "POST").getFirst().head();
        assertThat(head.status()).isEqualTo(201);
        assertThat(head.header("x-thing")).isEqualTo("Mixed Case");
        assertThat(head.header("Empty")).isEmpty();
        assertThat(head.header("Absent")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "HTTP/2 200 OK\r\n\r\n",
        "HTTP/1.1 20 OK\r\n\r\n",
        "HTTP/1.1 2000 OK\r\n\r\n",
        "HTTP/1.1 099 Low\r\n\r\n",
        "http/1.1 200 OK\r\n\r\n",
        "HTTP/1.1 101 Switching Protocols\r\n\r\n",
        "HTTP/1.1 200 OK\r\n folded: line\r\n\r\n",
        "HTTP/1.1 200 OK\r\nName : value\r\n\r\n",
        "HTTP/1.1 200 OK\r\n: no name\r\n\r\n",
        "HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 2, 3\r\n\r\nabc",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1234567890123456789\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n",
    })
    void whatBreaksTheGrammarIsAProtocolError(String wire) {
        assertThatThrownBy(() -> readAll(new ByteArrayInputStream(ascii(wire)), 1, "POST"))
                .isInstanceOf(ProtocolException.class)
                .hasMessageNotContaining("\r");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "HTTP/1.1 200",
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n",
    })
    void aStreamEndingInsideAMessageIsAnEofNotAnAnswer(String wire) {
        assertThatThrownBy(() -> readAll(new ByteArrayInputStream(ascii(wire)), 1, "POST"))
                .isInstanceOf(EOFException.class);
    }

    @Test
    void anEndlessHeadIsRefusedAtTheBoundNotBuffered() {
        byte[] endless = ascii("HTTP/1.1 200 OK\r\nX-Long: " + "a".repeat(ResponseReader.MAX_HEAD) + "\r\n\r\n");
        assertThatThrownBy(() -> readAll(new ByteArrayInputStream(endless), 1, "POST"))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("longer than");
        StringBuilder many = new StringBuilder("HTTP/1.1 200 OK\r\n");
        for (int i = 0; i <= ResponseReader.MAX_FIELDS; i++) {
            many.append("X-").append(i).append(": v\r\n");
        }
        assertThatThrownBy(() -> readAll(new ByteArrayInputStream(ascii(many + "\r\n")), 1, "POST"))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("header fields");
    }

    @Test
    void aChunkIsHandedOutBeforeTheNextOneArrives() throws IOException {
        // the stream ends right after the first chunk's data: its bytes must come out before that is noticed
        byte[] wire = ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nevent1");
        ResponseReader reader = new ResponseReader(new ByteArrayInputStream(wire), 16);
        InputStream body = reader.body(reader.readHead(), "POST");
        byte[] got = new byte[64];
        int n = body.read(got, 0, got.length);
        assertThat(new String(got, 0, n, StandardCharsets.ISO_8859_1)).isEqualTo("event1");
        assertThat(reader.bodyComplete()).isFalse();
        assertThatThrownBy(() -> body.read(got, 0, got.length)).isInstanceOf(EOFException.class);
    }

    @Test
    void bytesLeftAfterAMessageAreSeen() throws IOException {
        ResponseReader reader = new ResponseReader(new ByteArrayInputStream(ascii(
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA")), 64);
        ResponseHead head = reader.readHead();
        assertThat(reader.body(head, "POST").readAllBytes()).hasSize(2);
        assertThat(reader.hasBuffered()).isTrue();
        assertThat(reader.received()).isEqualTo(45);
    }
}
