package io.aami.common.policy;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Every single-field variation of a record, found by reflection so that a field added to a
 * contract record later is varied too (and the canonical-form test fails until it is covered).
 * Nested records inside lists are varied field by field as well.
 */
final class RecordMutations {
    /** One variation: which field path was changed, and the whole record after the change. */
    record Mutant(String path, Object value) {
    }

    private RecordMutations() {
    }

    static List<Mutant> of(Record record, String prefix, List<String> skip) {
        List<Mutant> out = new ArrayList<>();
        RecordComponent[] components = record.getClass().getRecordComponents();
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            if (skip.contains(c.getName())) {
                continue;
            }
            Object current = get(c, record);
            String path = prefix + c.getName();
            List<Mutant> changes = c.getType() == List.class
                    ? listVariants((List<?>) current, elementType(c.getGenericType()), path, skip)
                    : c.getType().isRecord() ? nestedVariants((Record) current, path, skip)
                    : variants(current, c.getType(), path).stream().map(v -> new Mutant(path, v)).toList();
            for (Mutant changed : changes) {
                out.add(new Mutant(changed.path(), with(record, i, changed.value())));
            }
        }
        return out;
    }

    /** A nested record: removed, and each of its fields varied (a null one has nothing to vary inside). */
    private static List<Mutant> nestedVariants(Record current, String path, List<String> skip) {
        if (current == null) {
            return List.of();
        }
        List<Mutant> out = new ArrayList<>();
        out.add(new Mutant(path, null));
        out.addAll(of(current, path + ".", skip));
        return out;
    }

    private static List<Object> variants(Object v, Class<?> type, String path) {
        List<Object> out = new ArrayList<>();
        if (type == String.class) {
            out.add(v == null ? "x" : v + "x");
            out.add(v == null ? "" : null);
        } else if (type == long.class) {
            out.add((Long) v + 1);
        } else if (type == int.class) {
            out.add((Integer) v + 1);
        } else if (type == Long.class) {
            out.add(v == null ? 1L : (Long) v + 1);
            out.add(v == null ? 0L : null);
        } else if (type == Integer.class) {
            out.add(v == null ? 1 : (Integer) v + 1);
            out.add(v == null ? 0 : null);
        } else if (type == Boolean.class) {
            out.add(v == null ? Boolean.TRUE : null);
            out.add(v == null ? Boolean.FALSE : !(Boolean) v);
        } else if (type == boolean.class) {
            out.add(!(Boolean) v);
        } else if (type == UUID.class) {
            out.add(UUID.randomUUID());
            out.add(null);
        } else if (type == Instant.class) {
            out.add(v == null ? Instant.EPOCH : ((Instant) v).plusNanos(1));
            out.add(null);
        } else if (type == io.aami.contract.probes.HttpProbeOptions.class) {
            // Null (a TCP or UDP probe) or the defaults; the options' own fields are varied by PolicyCanonicalFormTest.
            out.add(v == null ? io.aami.contract.probes.HttpProbeRules.normalized(null, io.aami.contract.probes.ProbeProtocol.HTTP)
                    : null);
        } else if (type == Map.class) {
            out.addAll(mapVariants((Map<?, ?>) v));
        } else {
            throw new AssertionError("no variations defined for " + type + " at " + path + "; extend RecordMutations");
        }
        return out;
    }

    /** Whole-list changes under {@code path}, and each element's changes under {@code path[i]...}. */
    private static List<Mutant> listVariants(List<?> list, Class<?> element, String path, List<String> skip) {
        if (list.isEmpty()) {
            throw new AssertionError(path + " must not be empty in the base bundle, or its elements go unvaried");
        }
        List<Mutant> out = new ArrayList<>();
        List<Object> reversed = new ArrayList<>(list);
        Collections.reverse(reversed);
        out.add(new Mutant(path, null));
        out.add(new Mutant(path, reversed));
        out.add(new Mutant(path, list.subList(0, list.size() - 1)));
        for (int i = 0; i < list.size(); i++) {
            Object item = list.get(i);
            String itemPath = path + "[" + i + "]";
            List<Mutant> changedItems = item instanceof Record r
                    ? of(r, itemPath + ".", skip)
                    : variants(item, element, itemPath).stream().map(v -> new Mutant(itemPath, v)).toList();
            for (Mutant changed : changedItems) {
                List<Object> copy = new ArrayList<>(list);
                copy.set(i, changed.value());
                out.add(new Mutant(changed.path(), copy));
            }
        }
        return out;
    }

    private static List<Object> mapVariants(Map<?, ?> map) {
        List<Object> out = new ArrayList<>();
        out.add(null);
        Map<Object, Object> added = new TreeMap<>(map);
        added.put("zz-added", "1");
        out.add(added);
        for (Object key : map.keySet()) {
            Map<Object, Object> changed = new LinkedHashMap<>(map);
            changed.put(key, map.get(key) + "x");
            out.add(changed);
            Map<Object, Object> removed = new LinkedHashMap<>(map);
            removed.remove(key);
            out.add(removed);
            Map<Object, Object> renamed = new LinkedHashMap<>(removed);
            renamed.put(key + "x", map.get(key));
            out.add(renamed);
        }
        return out;
    }

    private static Class<?> elementType(Type generic) {
        return (Class<?>) ((ParameterizedType) generic).getActualTypeArguments()[0];
    }

    private static Object get(RecordComponent c, Record r) {
        try {
            return c.getAccessor().invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static Object with(Record r, int index, Object value) {
        RecordComponent[] components = r.getClass().getRecordComponents();
        Object[] args = Arrays.stream(components).map(c -> get(c, r)).toArray();
        args[index] = value;
        Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        try {
            return r.getClass().getDeclaredConstructor(types).newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
