package io.aami.agent.checks;

/**
 * The fields of {@code /proc/<pid>/stat} the process-group sweep needs. The second field, the
 * command name in parentheses, may itself contain spaces and parentheses, so the fixed fields are
 * read after its last ')'.
 */
record ProcStat(long pid, char state, long ppid, long pgrp, long session) {
    static ProcStat parse(String stat) {
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        if (open < 1 || close < open || close + 2 > stat.length()) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + stat);
        }
        String[] fields = stat.substring(close + 2).trim().split(" ");
        if (fields.length < 4 || fields[0].length() != 1) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + stat);
        }
        try {
            return new ProcStat(Long.parseLong(stat.substring(0, open).trim()), fields[0].charAt(0),
                    Long.parseLong(fields[1]), Long.parseLong(fields[2]), Long.parseLong(fields[3]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + stat, e);
        }
    }

    /** Zombies (Z) and dead tasks (X) hold no resources worth killing; their parent or init reaps them. */
    boolean exited() {
        return state == 'Z' || state == 'X';
    }
}
