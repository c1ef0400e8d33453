package io.aami.server.console.probes;

import io.aami.contract.probes.ProbeView;
import io.aami.server.console.GroupSizes;
import io.aami.server.console.Reach;
import io.aami.server.db.Database;
import io.aami.server.groups.GroupService;
import io.aami.server.probes.ProbeService;
import io.aami.server.validation.Fields;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * What the probe pages and the matrix show, each from a fixed number of queries whatever the number of probes,
 * targets or pairs. The matrix is grouped in SQL by source and destination group, rather than built from the
 * per-target matrix of {@code GET /api/v1/probes/matrix} (which works a policy out per source and refuses more than
 * 5,000 sources): a fleet of 50,000 targets is one grouped pass over the latest results.
 */
final class ProbePagesService {
    private final Database db;
    private final ProbePagesStore store;
    private final ProbeService probes;
    private final GroupService groups;
    private final Clock clock;

    ProbePagesService(Database db, ProbePagesStore store, ProbeService probes, GroupService groups, Clock clock) {
        this.db = db;
        this.store = store;
        this.probes = probes;
        this.groups = groups;
        this.clock = clock;
    }

    /** The probes with the targets each applies to, one snapshot; one longer than shown when there are more. */
    List<ProbeRow> list() {
        return db.inTransaction(c -> {
            List<ProbeRow> rows = store.probes(c, ProbePagesStore.MAX_PROBES + 1);
            Reach reach = new Reach(GroupSizes.liveTargetsByGroup(c), rows);
            return rows.stream().map(r -> r.counted(reach.appliesTo(r), r.failing())).toList();
        });
    }

    /**
     * The list's row of probe {@code id} (null if it is gone), its reach counted from the probes of its name only: the
     * same counts as the list's, without reading every probe.
     */
    ProbeRow row(UUID id) {
        return db.inTransaction(c -> {
            List<ProbeRow> namesakes = store.namesakes(c, id);
            ProbeRow row = namesakes.stream().filter(r -> r.id().equals(id)).findFirst().orElse(null);
            if (row == null) {
                return null;
            }
            Reach reach = new Reach(GroupSizes.liveTargetsByGroup(c), namesakes);
            return row.counted(reach.appliesTo(row), store.failingOf(c, id));
        });
    }

    ProbeView probe(UUID id) {
        return probes.get(id);
    }

    List<FailingPair> failing(UUID probeId) {
        return db.withConnection(c -> store.pairsOfProbe(c, probeId, clock.instant()));
    }

    ProbeForm form(ProbeView probe) {
        return new ProbeForm(probe, groups.list());
    }

    /** The matrix's rows, columns, names and cells. */
    ProbePages.MatrixPage matrix(io.aami.server.console.Page page) {
        List<MatrixCell> cells = db.withConnection(c -> store.matrix(c, clock.instant()));
        Map<String, String> names = ProbePages.names(groups.list());
        Map<String, MatrixCell> byKey = new LinkedHashMap<>();
        TreeSet<String> sources = new TreeSet<>((a, b) -> compareNames(names, a, b));
        TreeSet<String> destinations = new TreeSet<>((a, b) -> compareNames(names, a, b));
        for (MatrixCell cell : cells) {
            byKey.put(cell.source() + "/" + cell.destination(), cell);
            sources.add(cell.source());
            destinations.add(cell.destination());
        }
        return new ProbePages.MatrixPage(page, new ArrayList<>(sources), new ArrayList<>(destinations), names, byKey);
    }

    /** One cell's failing pairs; the keys are a group id, {@code none} or (destination only) {@code outside}. */
    ProbePages.PairsPage pairs(io.aami.server.console.Page page, String source, String destination) {
        String s = key("source_group", source, false);
        String d = key("destination_group", destination, true);
        List<FailingPair> found = db.withConnection(c -> store.pairsOfCell(c, s, d, clock.instant()));
        Map<String, String> names = ProbePages.names(groups.list());
        return new ProbePages.PairsPage(page, names.getOrDefault(s, s), names.getOrDefault(d, d), found,
                found.size() >= ProbePagesStore.MAX_PAIRS);
    }

    private static String key(String field, String value, boolean outsideAllowed) {
        if (MatrixCell.NONE.equals(value) || outsideAllowed && MatrixCell.OUTSIDE.equals(value)) {
            return value;
        }
        return Fields.uuid(field, value).toString();
    }

    // Named groups alphabetically, then "none", then "outside"; the key breaks ties between equal names.
    private static int compareNames(Map<String, String> names, String a, String b) {
        int rank = Integer.compare(rank(a), rank(b));
        if (rank != 0) {
            return rank;
        }
        int byName = names.getOrDefault(a, a).compareToIgnoreCase(names.getOrDefault(b, b));
        return byName != 0 ? byName : a.compareTo(b);
    }

    private static int rank(String key) {
        return MatrixCell.OUTSIDE.equals(key) ? 2 : MatrixCell.NONE.equals(key) ? 1 : 0;
    }
}
