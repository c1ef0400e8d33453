package io.aami.agent.discovery;

/**
 * The container id and pod UID in a {@code /proc/<pid>/cgroup} file, for the layouts of Docker
 * ({@code /docker/<id>}, {@code docker-<id>.scope}), containerd and CRI-O under Kubernetes
 * ({@code kubepods/burstable/pod<uid>/<id>}, {@code kubepods-burstable-pod<uid_with_underscores>.slice/cri-containerd-<id>.scope},
 * {@code crio-<id>.scope}) and Podman ({@code libpod-<id>.scope}): a container id is a path segment of
 * 64 hex digits after its runtime's prefix; a pod UID follows {@code pod} in a segment. Plain string
 * scanning: the file is written by the kernel, but its paths are named by whoever made the cgroup.
 */
final class Cgroups {
    static final int ID_LENGTH = 64;
    private static final int UID_LENGTH = 36;

    record Placement(String container, String podUid) {
        static final Placement NONE = new Placement("", "");
    }

    private Cgroups() {
    }

    static Placement parse(CharSequence file) {
        String container = "";
        String pod = "";
        int start = 0;
        int n = file.length();
        while (start < n) {
            int segEnd = start;
            while (segEnd < n && file.charAt(segEnd) != '/' && file.charAt(segEnd) != '\n') {
                segEnd++;
            }
            String segment = file.subSequence(start, segEnd).toString();
            if (container.isEmpty()) {
                container = containerId(segment);
            }
            if (pod.isEmpty()) {
                pod = podUid(segment);
            }
            start = segEnd + 1;
        }
        return container.isEmpty() && pod.isEmpty() ? Placement.NONE : new Placement(container, pod);
    }

    private static String containerId(String segment) {
        String s = segment.endsWith(".scope") ? segment.substring(0, segment.length() - ".scope".length()) : segment;
        int dash = s.lastIndexOf('-');
        String id = dash >= 0 ? s.substring(dash + 1) : s;
        return id.length() == ID_LENGTH && isHex(id) ? id : "";
    }

    private static String podUid(String segment) {
        int at = segment.lastIndexOf("pod");
        if (at < 0) {
            return "";
        }
        String rest = segment.substring(at + 3);
        if (rest.endsWith(".slice")) {
            rest = rest.substring(0, rest.length() - ".slice".length());
        }
        if (rest.length() != UID_LENGTH) {
            return "";
        }
        String uid = rest.replace('_', '-');
        for (int i = 0; i < UID_LENGTH; i++) {
            char c = uid.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : Character.digit(c, 16) < 0) {
                return "";
            }
        }
        return uid;
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }
}
