package io.storageprobe.agent.report;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Replaces a file so that a reader sees either the old content or the whole new one, never a
 * part: node_exporter's textfile collector reads whenever it is scraped. The new content goes to
 * a temporary file in the same directory (rename is atomic only within one filesystem), is
 * synced, then renamed over the target, and the directory is synced so the rename survives a
 * crash. The temporary name starts with a dot and ends in .tmp, so the collector (*.prom) never
 * reads it even if a kill leaves it behind; on any failure we can see, it is removed.
 */
public final class AtomicFile {
    private AtomicFile() {}

    public static void replace(Path target, String content) throws IOException {
        Path file = target.toAbsolutePath();
        Path dir = file.getParent();
        Path temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            // createTempFile makes it 0600; node_exporter runs as another user and must read it.
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        }
    }
}
