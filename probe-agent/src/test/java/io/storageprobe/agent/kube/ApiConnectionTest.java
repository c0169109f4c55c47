package io.storageprobe.agent.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's HTTP/1.1 on a real socket, against a server that answers with bytes written by
 * hand: the ways an HTTP/1.1 server may frame an answer, and connections kept, closed and replaced.
 * (The API server itself: KubeApiRealIT in the operator module; TLS: the daemon tests' mock server.)
 */
class ApiConnectionTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<Integer> connections = new CopyOnWriteArrayList<>();
    private ServerSocket server;
    private Thread serving;

    /** Answers each request with the next answer; one answer per connection when {@code closeAfterEach}. */
    private URI serve(boolean closeAfterEach, String... answers) throws IOException {
        server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        List<String> queue = new ArrayList<>(List.of(answers));
        serving = new Thread(() -> {
            int connection = 0;
            while (!queue.isEmpty()) {
                try (Socket socket = server.accept()) {
                    connection++;
                    InputStream in = socket.getInputStream();
                    do {
                        String request = readRequest(in);
                        if (request == null) {
                            break;
                        }
                        requests.add(request);
                        connections.add(connection);
                        socket.getOutputStream().write(queue.remove(0).getBytes(StandardCharsets.UTF_8));
                        socket.getOutputStream().flush();
                    } while (!closeAfterEach && !queue.isEmpty());
                } catch (IOException e) {
                    return; // closed by the test
                }
            }
        });
        serving.start();
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** A request's head and body (by its Content-Length), or null when the client closed the connection. */
    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.UTF_8).endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            head.write(c);
        }
        String text = head.toString(StandardCharsets.UTF_8);
        int length = 0;
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(
                        line.substring("content-length:".length()).trim());
            }
        }
        return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
            serving.join(10_000);
        }
    }

    @Test
    void sendsTheRequestUnderTheServersPathAndReadsAContentLengthAnswer() throws Exception {
        URI uri = serve(false, "HTTP/1.1 201 Created\r\nContent-Length: 10\r\n\r\n{\"a\":\"é\"}");
        try (ApiConnection c = new ApiConnection(uri.resolve("/prefix/"), null, TIMEOUT, TIMEOUT)) {
            ApiConnection.Response r =
                    c.send("POST", "/apis/x", Map.of("Content-Type", "application/json"), "{\"b\":\"ü\"}");
            assertThat(r.status()).isEqualTo(201);
            assertThat(r.body()).isEqualTo("{\"a\":\"é\"}");
        }
        assertThat(requests.get(0))
                .startsWith("POST /prefix/apis/x HTTP/1.1\r\n")
                .contains("Host: 127.0.0.1:" + server.getLocalPort() + "\r\n")
                .contains("Content-Type: application/json\r\n")
                .contains("Content-Length: 10\r\n")
                .endsWith("\r\n\r\n{\"b\":\"ü\"}");
    }

    @Test
    void readsAChunkedAnswerAndKeepsTheConnectionForTheNextRequest() throws Exception {
        URI uri = serve(
                false,
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\n{\"a\"\r\nA\r\n:\"0123456\"\r\n1\r\n}\r\n0\r\n\r\n",
                "HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}");
        try (ApiConnection c = new ApiConnection(uri, null, TIMEOUT, TIMEOUT)) {
            assertThat(c.send("GET", "/a", Map.of(), null).body()).isEqualTo("{\"a\":\"0123456\"}");
            assertThat(c.send("GET", "/b", Map.of(), null).status()).isEqualTo(404);
        }
        assertThat(connections).containsExactly(1, 1);
        assertThat(requests.get(0)).doesNotContain("Content-Length");
    }

    @Test
    void aKeptConnectionTheServerClosedIsReplacedOnce() throws Exception {
        URI uri = serve(
                true, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n2");
        try (ApiConnection c = new ApiConnection(uri, null, TIMEOUT, TIMEOUT)) {
            assertThat(c.send("GET", "/a", Map.of(), null).body()).isEqualTo("1");
            assertThat(c.send("GET", "/b", Map.of(), null).body()).isEqualTo("2");
        }
        assertThat(connections).containsExactly(1, 2);
    }

    @Test
    void anAnswerUntilTheConnectionClosesEndsTheConnection() throws Exception {
        URI uri = serve(
                true,
                "HTTP/1.0 200 OK\r\n\r\nall of it",
                "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 4\r\n\r\nnext");
        try (ApiConnection c = new ApiConnection(uri, null, TIMEOUT, TIMEOUT)) {
            assertThat(c.send("GET", "/a", Map.of(), null).body()).isEqualTo("all of it");
            assertThat(c.send("GET", "/b", Map.of(), null).body()).isEqualTo("next");
        }
        assertThat(connections).containsExactly(1, 2);
    }

    @Test
    void anAnswerCutShortOrNotHttpIsAnIoExceptionThatSaysSo() throws Exception {
        URI uri = serve(true, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort", "SSH-2.0-OpenSSH_9.2\r\n");
        try (ApiConnection c = new ApiConnection(uri, null, TIMEOUT, TIMEOUT)) {
            assertThatThrownBy(() -> c.send("GET", "/a", Map.of(), null))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("closed the connection in the middle of an answer");
            assertThatThrownBy(() -> c.send("GET", "/b", Map.of(), null))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("not an HTTP/1.1 answer from the API server: SSH-2.0");
        }
    }

    @Test
    void noServerIsAnIoException() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        try (ApiConnection c = new ApiConnection(URI.create("http://127.0.0.1:" + port), null, TIMEOUT, TIMEOUT)) {
            assertThatThrownBy(() -> c.send("GET", "/a", Map.of(), null)).isInstanceOf(IOException.class);
        }
    }
}
