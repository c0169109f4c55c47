package io.storageprobe.agent.kube;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * HTTP/1.1 to the API server, one request at a time, on a socket of its own (TLS from the
 * endpoint's context, the server's name or address checked against its certificate as HTTPS
 * does). Not java.net.http: the JDK's client brings about 320 classes, 120 lambdas and a selector
 * thread into the daemon for a few calls minutes apart (docs/performance.md "Trimming the
 * agent"). No proxies (the JDK client used none either), no HTTP/2, no redirects: the API server
 * needs none of them.
 *
 * A connection serves the calls that follow each other (the read of the spec before a write,
 * the write) and is closed once idle for {@link #IDLE}: the agent's next call comes minutes later.
 */
final class ApiConnection implements AutoCloseable {
    /** Under any server's or load balancer's idle timeout, so a kept connection is rarely found closed. */
    static final Duration IDLE = Duration.ofSeconds(10);
    /** API objects are at most 1.5 MB (etcd's limit); a larger answer is no API server's. */
    private static final int MAX_BODY = 8 << 20;

    /** A complete answer: its status code and body (UTF-8, as the API server writes JSON). */
    record Response(int status, String body) {}

    private final URI server;
    private final SSLContext tls;
    private final int connectTimeoutMillis;
    private final int readTimeoutMillis;
    private Socket socket;
    private InputStream in;
    private long idleSince;

    /** @param tls null for a plain-HTTP server (tests) */
    ApiConnection(URI server, SSLContext tls, Duration connectTimeout, Duration readTimeout) {
        this.server = server;
        this.tls = tls;
        this.connectTimeoutMillis = (int) connectTimeout.toMillis();
        this.readTimeoutMillis = (int) readTimeout.toMillis();
    }

    /**
     * Sends a request and reads its whole answer. A kept connection that fails is replaced once
     * (the server may have closed it meanwhile); any other failure is the caller's to retry.
     *
     * @param path    the request's path after the server's own (the API path)
     * @param headers request headers, not Host, Content-Length or Connection
     * @param body    UTF-8 text, or null for none
     */
    synchronized Response send(String method, String path, Map<String, String> headers, String body)
            throws IOException {
        if (socket != null && System.nanoTime() - idleSince >= IDLE.toNanos()) {
            close();
        }
        boolean reused = socket != null;
        byte[] request = request(method, path, headers, body);
        try {
            return exchange(request);
        } catch (IOException e) {
            close();
            if (!reused) {
                throw e;
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        try {
            return exchange(request);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private Response exchange(byte[] request) throws IOException {
        if (socket == null) {
            open();
        }
        OutputStream out = socket.getOutputStream();
        out.write(request);
        out.flush();
        Response response = read();
        idleSince = System.nanoTime();
        return response;
    }

    private void open() throws IOException {
        String host = host();
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(host, port()), connectTimeoutMillis);
            plain.setSoTimeout(readTimeoutMillis);
            if (tls == null) {
                socket = plain;
            } else {
                SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, port(), true);
                SSLParameters parameters = secure.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                secure.setSSLParameters(parameters);
                secure.startHandshake();
                socket = secure;
            }
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
        in = new BufferedInputStream(socket.getInputStream());
    }

    private byte[] request(String method, String path, Map<String, String> headers, String body) {
        String base = server.getRawPath() == null ? "" : server.getRawPath();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        StringBuilder head = new StringBuilder()
                .append(method)
                .append(' ')
                .append(base)
                .append(path)
                .append(" HTTP/1.1\r\n")
                .append("Host: ")
                .append(server.getHost())
                .append(':')
                .append(port())
                .append("\r\n");
        for (Map.Entry<String, String> header : headers.entrySet()) {
            head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
        }
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            head.append("Content-Length: ").append(content.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] start = head.toString().getBytes(StandardCharsets.UTF_8);
        byte[] request = new byte[start.length + content.length];
        System.arraycopy(start, 0, request, 0, start.length);
        System.arraycopy(content, 0, request, start.length, content.length);
        return request;
    }

    private Response read() throws IOException {
        String statusLine = line();
        // Informational answers (100 Continue) come before the real one.
        while (status(statusLine) / 100 == 1) {
            while (!line().isEmpty()) {
                // their headers mean nothing here
            }
            statusLine = line();
        }
        int status = status(statusLine);
        long length = -1;
        boolean chunked = false;
        boolean closes = !statusLine.startsWith("HTTP/1.1"); // HTTP/1.0 closes unless it says keep-alive
        for (String header = line(); !header.isEmpty(); header = line()) {
            int colon = header.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header from the API server: " + header);
            }
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
            switch (name) {
                case "content-length" -> length = parseLength(value);
                case "transfer-encoding" -> chunked = value.endsWith("chunked");
                case "connection" -> closes = value.contains("close") || (closes && !value.contains("keep-alive"));
                default -> {
                    // other headers are not used
                }
            }
        }
        byte[] body;
        if (status == 204 || status == 304) {
            body = new byte[0];
        } else if (chunked) {
            body = chunks();
        } else if (length >= 0) {
            body = exactly(length);
        } else {
            body = untilClosed();
            closes = true;
        }
        if (closes) {
            close();
        }
        return new Response(status, new String(body, StandardCharsets.UTF_8));
    }

    private byte[] chunks() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line();
            int extension = size.indexOf(';');
            long length = parseHex(extension < 0 ? size : size.substring(0, extension));
            if (length == 0) {
                while (!line().isEmpty()) {
                    // trailers are not used
                }
                return body.toByteArray();
            }
            if (length < 0 || body.size() + length > MAX_BODY) {
                throw new IOException("answer of the API server larger than " + MAX_BODY + " bytes");
            }
            body.write(exactly(length));
            if (!line().isEmpty()) {
                throw new IOException("malformed chunk from the API server");
            }
        }
    }

    private byte[] exactly(long length) throws IOException {
        byte[] bytes = in.readNBytes((int) length);
        if (bytes.length < length) {
            throw new IOException("the API server closed the connection in the middle of an answer");
        }
        return bytes;
    }

    private byte[] untilClosed() throws IOException {
        byte[] bytes = in.readNBytes(MAX_BODY + 1);
        if (bytes.length > MAX_BODY) {
            throw new IOException("answer of the API server larger than " + MAX_BODY + " bytes");
        }
        return bytes;
    }

    /** A line of the head, without its CRLF; EOFException when the connection ends before one starts. */
    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                if (line.isEmpty()) {
                    throw new EOFException("the API server closed the connection");
                }
                throw new IOException("the API server closed the connection in the middle of an answer");
            }
            if (line.length() > 64 * 1024) {
                throw new IOException("header line of the API server longer than 64 KiB");
            }
            line.append((char) c);
        }
        int end = line.length();
        return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
    }

    private static int status(String statusLine) throws IOException {
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || parts[1].length() != 3) {
            throw new IOException("not an HTTP/1.1 answer from the API server: " + statusLine);
        }
        try {
            return Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP/1.1 answer from the API server: " + statusLine);
        }
    }

    private static long parseLength(String value) throws IOException {
        try {
            long length = Long.parseLong(value);
            if (length < 0 || length > MAX_BODY) {
                throw new IOException("answer of the API server of " + value + " bytes");
            }
            return length;
        } catch (NumberFormatException e) {
            throw new IOException("malformed length from the API server: " + value);
        }
    }

    private static long parseHex(String value) throws IOException {
        try {
            return Long.parseLong(value.trim(), 16);
        } catch (NumberFormatException e) {
            throw new IOException("malformed chunk size from the API server: " + value);
        }
    }

    /** The host to connect to: an IPv6 address without the URI's brackets. */
    private String host() {
        String host = server.getHost();
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    private int port() {
        if (server.getPort() >= 0) {
            return server.getPort();
        }
        return "http".equals(server.getScheme()) ? 80 : 443;
    }

    @Override
    public synchronized void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing is best effort
            }
            socket = null;
            in = null;
        }
    }
}
