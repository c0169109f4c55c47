package io.storageprobe.agent.discovery;

/**
 * A block device that backs a PersistentVolume attached to this node, as kubelet's directory
 * shows it: such a disk tells about its StorageClass, not the node, so discovery makes it a volume
 * target and never a node disk.
 *
 * @param device           the device, a whole disk, a partition or a device-mapper device
 * @param persistentVolume the PersistentVolume's name (for a CSI staging mount kubelet records
 *                         only the driver's volume handle, so it says that instead)
 * @param foundBy          where kubelet shows it, for the log: "kubelet volumeDevices", a mount point
 */
public record PersistentVolumeDevice(DeviceNumber device, String persistentVolume, String foundBy) {}
