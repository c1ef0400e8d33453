package io.aami.agent.discovery;

/**
 * A process that holds at least one socket: its name ({@code comm}), executable (empty when it cannot be
 * read: another user's process seen without root), user (name, or the uid when no name is known), and the
 * container id and Kubernetes pod UID its cgroup names (empty outside a container).
 */
record ProcessInfo(int pid, String name, String exe, int uid, String user, String container, String podUid) {
}
