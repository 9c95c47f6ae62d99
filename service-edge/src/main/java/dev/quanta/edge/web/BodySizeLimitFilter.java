package dev.quanta.edge.web;

import dev.quanta.edge.problem.PayloadTooLargeException;
import dev.quanta.edge.problem.ProblemType;
import dev.quanta.edge.problem.ProblemWriter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Limits request bodies to {@code quanta.edge.max-body-bytes}: a declared Content-Length over the limit is
 * refused at once with 413 {@code payload-too-large}; a body without one (chunked) is counted as it streams
 * and reading fails with {@link PayloadTooLargeException} past the limit, which the problem handler turns
 * into the same 413. Runs before authentication, so an oversized body is never read, whoever sends it.
 *
 * <p>NOTE: only a body of unknown length is wrapped to be counted: the container never reads past a declared
 * Content-Length, and a wrapper would sit under every header and attribute read of the request.
 */
public final class BodySizeLimitFilter extends OncePerRequestFilter {

    private final long limit;
    private final ProblemWriter problems;

    public BodySizeLimitFilter(long limit, ProblemWriter problems) {
        this.limit = limit;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > limit) {
            problems.write(request, response, ProblemType.PAYLOAD_TOO_LARGE, null, "request body of "
                    + request.getContentLengthLong() + " bytes exceeds the limit of " + limit + " bytes");
            return;
        }
        chain.doFilter(request.getContentLengthLong() >= 0 ? request : new LimitedRequest(request, limit), response);
    }

    private static final class LimitedRequest extends HttpServletRequestWrapper {
        private final long limit;
        private ServletInputStream stream;

        LimitedRequest(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new CountingStream(super.getInputStream(), limit);
            }
            return stream;
        }

        @Override
        public BufferedReader getReader() throws IOException {
            String encoding = getCharacterEncoding();
            Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
            return new BufferedReader(new InputStreamReader(getInputStream(), charset));
        }
    }

    private static final class CountingStream extends ServletInputStream {
        private final ServletInputStream in;
        private final long limit;
        private long count;

        CountingStream(ServletInputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws PayloadTooLargeException {
            count += n;
            if (count > limit) {
                throw new PayloadTooLargeException(limit);
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
