package io.aami.agent.probes;

import com.fasterxml.jackson.databind.JavaType;
import io.aami.agent.api.BodyLimits;
import io.aami.agent.api.BodyPool;
import io.aami.agent.api.Exchange;
import io.aami.agent.api.LocalApi;
import io.aami.agent.api.LocalApiException;
import io.aami.contract.ErrorBody;
import io.aami.contract.probes.ProbeLimits;
import io.aami.contract.probes.ProbePorts;
import io.aami.contract.probes.ProbeResult;
import io.aami.contract.probes.ProbeTask;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The probe seed's local API, answered by the {@link ProbeEngine}:
 * <ul>
 *   <li>{@code GET /probe?source_ip=&source_port=&target_ip=&target_port=&protocol=&timeout_ms=} → one result</li>
 *   <li>{@code POST /probe_json} with one task → one result</li>
 *   <li>{@code POST /run_tasks} with up to {@value #MAX_TASKS} tasks → their results in the same
 *       order, all run concurrently</li>
 * </ul>
 * A probe that fails is still 200: the failure is in the body. Invalid input is 400
 * {@code {"error","code"}} ({@code INVALID_PROBE} with {@code field} naming the bad field, e.g.
 * {@code tasks[3].target_port}; {@code TOO_MANY_TASKS}; {@code MALFORMED_JSON}) and nothing runs; a task list runs only once every task in it is valid.
 * A call whose probes would take the engine's queue past {@link ProbeEngine#DEFAULT_MAX_QUEUED} waiting probes is
 * 429 {@code PROBE_QUEUE_FULL} and nothing of it is queued.
 * Bodies are parsed within {@link #ONE_TASK} and {@link #TASKS}: the parse of a task list stops at task
 * {@value #MAX_TASKS} + 1, before it is bound, so no body becomes more than 10,000 tasks on the heap. Results that carry a
 * task_id become that task's latest status in {@link ProbeMetrics}.
 *
 * <p>Any local user can call this API and the agent runs as root, so a {@code source_port} below
 * {@value ProbePorts#FIRST_UNPRIVILEGED_PORT} (one only root may bind, which some peers and firewall rules
 * trust) is refused unless {@code api.allow_privileged_source_ports} is set. Scheduled probes come from
 * the signed policy of the server's admins and are not limited here. For the same reason the ICMP echoes callers ask
 * for are bounded by {@link EchoBudget}: a call past it is 429 {@code ICMP_RATE_LIMITED} with {@code Retry-After}, one
 * asking for more than its burst in one go 400 {@code TOO_MANY_ECHOES}, and nothing of either runs.
 */
public final class ProbeRoutes {
    public static final int MAX_TASKS = 10_000;
    /**
     * The longest string a task holds: a UDP payload or expect of {@link ProbeLimits#MAX_UDP_PAYLOAD_BYTES}
     * in hex. Longer strings are refused as they are read, so one cannot take the heap of several.
     */
    static final int MAX_STRING_CHARS = 2 * ProbeLimits.MAX_UDP_PAYLOAD_BYTES + 2;
    /** One task: room for its two longest strings, and then some. */
    static final BodyLimits ONE_TASK = new BodyLimits(512 * 1024, 16, MAX_STRING_CHARS,
            LocalApiException.badRequest("MALFORMED_JSON", "a probe task's only array, http.expected_status, holds at most 16 entries"));
    /** {@value #MAX_TASKS} tasks, the parse stopping at the next one; what 10,000 tasks need fits in 4 MiB. */
    static final BodyLimits TASKS = new BodyLimits(LocalApi.MAX_BODY, MAX_TASKS, MAX_STRING_CHARS,
            LocalApiException.badRequest("TOO_MANY_TASKS", "at most " + MAX_TASKS + " tasks per call"));

    private final ProbeEngine engine;
    private final ProbeMetrics metrics;
    private final boolean allowPrivilegedSourcePorts;
    private final EchoBudget echoes;

    public ProbeRoutes(ProbeEngine engine, ProbeMetrics metrics, boolean allowPrivilegedSourcePorts, Clock clock) {
        this.engine = engine;
        this.metrics = metrics;
        this.allowPrivilegedSourcePorts = allowPrivilegedSourcePorts;
        this.echoes = new EchoBudget(clock);
    }

    public Map<String, LocalApi.Endpoint> routes() {
        Map<String, LocalApi.Endpoint> r = new LinkedHashMap<>();
        r.put("/probe", new LocalApi.Endpoint(Set.of("GET"), answeringErrors(this::probe)));
        r.put("/probe_json", new LocalApi.Endpoint(Set.of("POST"), answeringErrors(this::probeJson), BodyPool.PROBES));
        r.put("/run_tasks", new LocalApi.Endpoint(Set.of("POST"), answeringErrors(this::runTasks), BodyPool.PROBES));
        return r;
    }

    /**
     * Answers an invalid probe as 400 {@code INVALID_PROBE} naming the bad field. The
     * {@link InvalidProbeException} is not a {@link LocalApiException} because {@link ValidatedProbes}
     * also validates scheduled probes, which have no HTTP side; {@link LocalApi} answers its own
     * {@link LocalApiException}s (too many tasks, malformed JSON, engine stopped) but would answer any
     * other exception as a 500.
     */
    private static LocalApi.Route answeringErrors(LocalApi.Route route) {
        return ex -> {
            try {
                route.handle(ex);
            } catch (InvalidProbeException e) {
                ex.json(400, new ErrorBody(e.getMessage(), "INVALID_PROBE", e.field()));
            }
        };
    }

    private void probe(Exchange ex) throws IOException {
        ValidatedProbe probe = permitted(ValidatedProbes.fromQuery(ex.query()));
        ex.json(200, run(ex, List.of(probe)).get(0));
    }

    private void probeJson(Exchange ex) throws IOException {
        ProbeTask task = ex.body(ProbeTask.class, ONE_TASK);
        ValidatedProbe probe = permitted(ValidatedProbes.from(task));
        ex.json(200, run(ex, List.of(probe)).get(0));
    }

    private void runTasks(Exchange ex) throws IOException {
        JavaType listOfTasks = ex.mapper().getTypeFactory().constructCollectionType(List.class, ProbeTask.class);
        List<ProbeTask> tasks = ex.body(listOfTasks, TASKS);
        List<ValidatedProbe> probes = new ArrayList<>(tasks.size());
        for (int i = 0; i < tasks.size(); i++) {
            try {
                probes.add(permitted(ValidatedProbes.from(tasks.get(i))));
            } catch (InvalidProbeException e) {
                throw e.at(i);
            }
        }
        ex.json(200, run(ex, probes));
    }

    /** {@code probe}, unless it asks for a privileged source port this agent does not allow callers. */
    private ValidatedProbe permitted(ValidatedProbe probe) {
        if (!allowPrivilegedSourcePorts && ProbePorts.privilegedSource(probe.sourcePort())) {
            throw new InvalidProbeException("source_port", "source_port " + probe.sourcePort() + " is privileged (below "
                    + ProbePorts.FIRST_UNPRIVILEGED_PORT + "); this agent's local API allows 0 (ephemeral) or "
                    + ProbePorts.FIRST_UNPRIVILEGED_PORT + ".." + ProbePorts.MAX_PORT + " unless api.allow_privileged_source_ports is true");
        }
        return probe;
    }

    /**
     * Runs all probes at once and waits for all results, in the order given: one {@link ProbeEngine#runAll} call,
     * whose results the loop hands this thread with one wakeup (not a future per probe).
     */
    private List<ProbeResult> run(Exchange ex, List<ValidatedProbe> probes) {
        long echoesTaken = takeEchoes(ex, probes);
        List<ProbeResult> results;
        try {
            results = engine.runAll(probes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalApiException(503, "PROBE_ENGINE_STOPPED", "the agent is shutting down");
        } catch (ProbeQueueFullException e) {
            echoes.giveBack(echoesTaken); // nothing of the call was queued, so nothing was sent
            throw new LocalApiException(429, "PROBE_QUEUE_FULL", e.getMessage());
        } catch (RuntimeException e) {
            throw new LocalApiException(503, "PROBE_ENGINE_STOPPED", "the probe engine stopped: " + e.getMessage());
        }
        for (ProbeResult result : results) {
            metrics.recordTaskResult(result);
        }
        return results;
    }

    /** Takes the call's ICMP echoes from {@link #echoes} and returns how many, or refuses the whole call before anything runs. */
    private long takeEchoes(Exchange ex, List<ValidatedProbe> probes) {
        long n = EchoBudget.echoes(probes);
        if (n == 0 || echoes.tryTake(n)) {
            return n;
        }
        if (n > EchoBudget.BURST) {
            throw LocalApiException.badRequest("TOO_MANY_ECHOES", "these ICMP tasks ask for " + n + " echoes; a call may send at"
                    + " most " + EchoBudget.BURST + " (the sum of their counts): split it");
        }
        long wait = echoes.secondsUntil(n);
        ex.responseHeader("Retry-After", Long.toString(wait));
        throw new LocalApiException(429, "ICMP_RATE_LIMITED", "the local API sends at most " + EchoBudget.PER_SECOND
                + " ICMP echoes a second for its callers (bursts of " + EchoBudget.BURST + "); these " + n
                + " echoes were not sent, retry in " + wait + " s");
    }
}
