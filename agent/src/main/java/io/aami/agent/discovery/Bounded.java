package io.aami.agent.discovery;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Connection counts per process and key (a remote endpoint, perhaps with a state), cut to a bounded number
 * of series: each process keeps its {@code maxRemotes} largest keys and sums the rest into the key
 * {@code toOther} makes of them; past {@code maxProcesses} processes (by connections), the smaller ones are
 * summed into {@link Who#OTHER} and cut again. So whatever a local user opens, a family has at most
 * {@code (maxProcesses + 1) × maxRemotes} series plus the "other" ones.
 */
final class Bounded<K> {
    private final Map<Who, Map<K, long[]>> counts = new HashMap<>();
    private Who lastWho;
    private Map<K, long[]> lastKeys;

    void add(Who who, K key) {
        // Consecutive sockets often share their process (the same Who instance): one map lookup saved per socket.
        Map<K, long[]> keys = who == lastWho ? lastKeys : counts.computeIfAbsent(who, w -> new HashMap<>());
        lastWho = who;
        lastKeys = keys;
        long[] n = keys.get(key);
        if (n == null) {
            keys.put(key, new long[] {1});
        } else {
            n[0]++;
        }
    }

    /** The bounded counts, each process's keys largest first. */
    Map<Who, Map<K, Long>> cut(int maxRemotes, int maxProcesses, UnaryOperator<K> toOther) {
        List<Map.Entry<Who, Map<K, long[]>>> whos = new ArrayList<>(counts.entrySet());
        whos.sort(Comparator.comparingLong((Map.Entry<Who, Map<K, long[]>> e) -> -total(e.getValue()))
                .thenComparing(e -> e.getKey().name()));
        Map<Who, Map<K, long[]>> kept = new LinkedHashMap<>();
        for (int i = 0; i < whos.size(); i++) {
            Who who = i < maxProcesses ? whos.get(i).getKey() : Who.OTHER;
            Map<K, long[]> into = kept.computeIfAbsent(who, w -> new HashMap<>());
            whos.get(i).getValue().forEach((k, c) -> into.computeIfAbsent(k, x -> new long[1])[0] += c[0]);
        }
        Map<Who, Map<K, Long>> out = new LinkedHashMap<>();
        kept.forEach((who, keys) -> out.put(who, top(keys, maxRemotes, toOther)));
        return out;
    }

    private static <K> Map<K, Long> top(Map<K, long[]> keys, int max, UnaryOperator<K> toOther) {
        List<Map.Entry<K, long[]>> sorted = new ArrayList<>(keys.entrySet());
        sorted.sort(Comparator.comparingLong((Map.Entry<K, long[]> e) -> -e.getValue()[0]));
        Map<K, Long> out = new LinkedHashMap<>();
        for (int i = 0; i < sorted.size(); i++) {
            K key = i < max ? sorted.get(i).getKey() : toOther.apply(sorted.get(i).getKey());
            out.merge(key, sorted.get(i).getValue()[0], Long::sum);
        }
        return out;
    }

    private static long total(Map<?, long[]> m) {
        long t = 0;
        for (long[] c : m.values()) {
            t += c[0];
        }
        return t;
    }
}
