package io.storageprobe.api.result;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * A loop device beneath a target (the target itself, or a device its filesystem or device mapper
 * table sits on), as /sys/block/loopN/loop reports it.
 *
 * @param device      the loop device's name (loop0)
 * @param directIo    loop/dio: true where the loop device reads and writes its backing file with
 *                    O_DIRECT; false where it runs buffered, so O_DIRECT above it gets the page cache
 * @param backingFile loop/backing_file, or null where unreadable
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LoopBacking(
        @JsonPropertyDescription("The loop device's name, for example loop0.")
        String device,

        @JsonPropertyDescription(
                "Loop/dio: true where the loop device does O_DIRECT on its backing file; false where it runs buffered, so O_DIRECT above it is served from the page cache.")
        boolean directIo,

        @JsonPropertyDescription("Loop/backing_file: the file behind the loop device, or null where unreadable.")
        String backingFile) {}
