package io.aami.agent.discovery;

/**
 * Whom connections are counted for: a process name in a container (processes of one name in one container,
 * nginx's workers, count as one); empty name for sockets no process was found for (TIME_WAIT, or a process
 * this agent may not look into). {@link #OTHER} sums the processes past {@code discovery.max_processes}.
 */
record Who(String name, String container, String podUid) {
    static final Who UNKNOWN = new Who("", "", "");
    static final Who OTHER = new Who("other", "", "");

    static Who of(ProcessInfo p) {
        return p == null ? UNKNOWN : new Who(p.name(), p.container(), p.podUid());
    }
}
