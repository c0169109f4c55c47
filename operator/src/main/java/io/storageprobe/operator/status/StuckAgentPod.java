package io.storageprobe.operator.status;

/**
 * An agent pod that exists but whose container does not run, as kubelet reports it in the pod's
 * status (containerStatuses[].state.waiting): the image cannot be pulled, the container keeps
 * crashing. The DaemonSet's counts show such a pod only as "not available".
 *
 * @param node    the node the pod is on (spec.nodeName), or the pod's name before it is scheduled
 * @param reason  kubelet's waiting reason, e.g. ImagePullBackOff, CrashLoopBackOff
 * @param message kubelet's message (e.g. the registry's answer), may be empty
 */
public record StuckAgentPod(String node, String reason, String message) {}
