package io.storageprobe.agent.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;

/**
 * /metrics and /healthz. Independent of the API server: it keeps answering while that is away.
 *
 * HTTP/1.1 on a plain server socket, one answer per connection, each connection on a short-lived
 * thread of its own (so a client that connects and sends nothing holds up no other): all a
 * Prometheus scrape and the kubelet's liveness probe need. Not the JDK's com.sun.net.httpserver:
 * its Date header on every answer loads the JDK's CLDR calendar and time-zone names, and it keeps
 * a dispatcher and a timer thread: 2 MiB of the agent's idle RSS, 144 classes (docs/performance.md
 * "Trimming the agent").
 */
public final class AgentHttpServer implements AutoCloseable {
    /** Prometheus' scrape timeout is 10 s by default: a request not sent by then is given up. */
    private static final int READ_TIMEOUT_MILLIS = 10_000;
    /** Connections served at once; further ones wait in the backlog until one ends. */
    private static final int CONNECTIONS = 4;

    private static final int MAX_LINE = 8192;
    private static final String METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final ServerSocket server;
    private final PrometheusMeterRegistry registry;
    private final Semaphore connections = new Semaphore(CONNECTIONS);
    private final Thread acceptor;

    private AgentHttpServer(ServerSocket server, PrometheusMeterRegistry registry) {
        this.server = server;
        this.registry = registry;
        this.acceptor = new Thread(this::accept, "metrics-http");
        acceptor.setDaemon(true);
    }

    /** Serves on {@code port} of every address (0: a free port, see {@link #port()}). */
    public static AgentHttpServer start(int port, PrometheusMeterRegistry registry) throws IOException {
        ServerSocket socket = new ServerSocket();
        try {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        AgentHttpServer server = new AgentHttpServer(socket, registry);
        server.acceptor.start();
        return server;
    }

    public int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                connections.acquire();
            } catch (InterruptedException e) {
                return; // closing
            }
            try {
                Socket socket = server.accept();
                Thread connection = new Thread(() -> serve(socket), "metrics-http-connection");
                connection.setDaemon(true);
                connection.start();
            } catch (IOException | RuntimeException e) {
                connections.release(); // closed, or a connection that failed before it was served
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String[] request = line(in).split(" ");
            while (!line(in).isEmpty()) {
                // no header changes the answer
            }
            OutputStream out = socket.getOutputStream();
            if (request.length != 3 || !request[2].startsWith("HTTP/")) {
                reply(out, "400 Bad Request", "text/plain", "bad request\n", true);
                return;
            }
            boolean body = !"HEAD".equals(request[0]);
            String path = request[1].split("\\?", 2)[0];
            switch (path) {
                case "/metrics" -> reply(out, "200 OK", METRICS_TYPE, registry.scrape(), body);
                case "/healthz" -> reply(out, "200 OK", "text/plain", "ok\n", body);
                default -> reply(out, "404 Not Found", "text/plain", "not found\n", body);
            }
        } catch (IOException e) {
            // the client went away or sent nothing in time: nothing to answer
        } finally {
            connections.release();
        }
    }

    private static void reply(OutputStream out, String status, String type, String text, boolean body)
            throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + "\r\nContent-Type: " + type + "\r\nContent-Length: " + bytes.length
                + "\r\nConnection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        if (body) {
            out.write(bytes);
        }
        out.flush();
    }

    /** A request line or header without its CRLF; an IOException at the end of the stream or past MAX_LINE. */
    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0 || line.length() >= MAX_LINE) {
                throw new IOException("incomplete request");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing is best effort
        }
        acceptor.interrupt();
    }
}
