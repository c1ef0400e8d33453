package io.aami.server.http;

import static io.aami.contract.ApiPaths.BOOTSTRAP_TOKEN;
import static io.aami.contract.ApiPaths.CA;
import static io.aami.contract.ApiPaths.CERTIFICATE;
import static io.aami.contract.ApiPaths.CHECK;
import static io.aami.contract.ApiPaths.CHECKS;
import static io.aami.contract.ApiPaths.CHECK_RESULTS;
import static io.aami.contract.ApiPaths.METRICS;
import static io.aami.contract.ApiPaths.POLICY;
import static io.aami.contract.ApiPaths.POLICY_KEY;
import static io.aami.contract.ApiPaths.PROBE;
import static io.aami.contract.ApiPaths.PROBES;
import static io.aami.contract.ApiPaths.PROBE_MATRIX;
import static io.aami.contract.ApiPaths.PROBE_RESULTS;
import static io.aami.contract.ApiPaths.TARGET_CHECKS;
import static io.aami.contract.ApiPaths.TARGET_CHECK_RESULTS;
import static io.aami.contract.ApiPaths.BOOTSTRAP_TOKENS;
import static io.aami.contract.ApiPaths.BOOTSTRAP_TOKEN_USES;
import static io.aami.contract.ApiPaths.GROUP;
import static io.aami.contract.ApiPaths.GROUPS;
import static io.aami.contract.ApiPaths.HEALTH;
import static io.aami.contract.ApiPaths.HEARTBEAT;
import static io.aami.contract.ApiPaths.READY;
import static io.aami.contract.ApiPaths.REGISTER;
import static io.aami.contract.ApiPaths.TARGET;
import static io.aami.contract.ApiPaths.TARGETS;
import static io.aami.contract.ApiPaths.TARGET_PROBES;
import static io.aami.contract.ApiPaths.TARGET_PROBE_RESULTS;
import static io.aami.contract.ApiPaths.TARGET_REVOKE;
import static io.aami.server.http.Access.ADMIN;
import static io.aami.server.http.Access.AGENT;
import static io.aami.server.http.Access.ENROLL;
import static io.aami.server.http.Access.METRICS_ACCESS;
import static io.aami.server.http.Access.PUBLIC;

import io.aami.server.checks.CheckHandler;
import io.aami.server.groups.GroupHandler;
import io.aami.server.health.HealthHandler;
import io.aami.server.heartbeat.HeartbeatHandler;
import io.aami.server.metrics.MetricsHandler;
import io.aami.server.pki.PkiHandler;
import io.aami.server.policy.PolicyHandler;
import io.aami.server.probes.ProbeHandler;
import io.aami.server.proberesults.ProbeResultHandler;
import io.aami.server.registration.RegistrationHandler;
import io.aami.server.checkresults.CheckResultHandler;
import io.aami.server.targets.TargetHandler;
import io.aami.server.tokens.BootstrapTokenHandler;
import io.javalin.config.RoutesConfig;

/** Every route of the config-server, with who may call it. */
public record Routes(HealthHandler health, MetricsHandler metrics, GroupHandler groups, BootstrapTokenHandler tokens,
                     TargetHandler targets, RegistrationHandler registration, HeartbeatHandler heartbeat, CheckHandler checks,
                     PolicyHandler policy, CheckResultHandler checkResults, ProbeHandler probes,
                     ProbeResultHandler probeResults, PkiHandler pki) {

    public void register(RoutesConfig r) {
        r.get(HEALTH, health::health, Access.HEALTH);
        r.get(READY, health::ready, Access.HEALTH);
        r.get(METRICS, metrics::metrics, METRICS_ACCESS);
        r.get(CA, pki::ca, PUBLIC);
        r.get(POLICY_KEY, policy::key, PUBLIC);

        r.post(GROUPS, groups::create, ADMIN);
        r.get(GROUPS, groups::list, ADMIN);
        r.get(GROUP, groups::get, ADMIN);
        r.put(GROUP, groups::update, ADMIN);
        r.delete(GROUP, groups::delete, ADMIN);

        r.post(REGISTER, registration::register, ENROLL);
        r.post(BOOTSTRAP_TOKENS, tokens::create, ADMIN);
        r.get(BOOTSTRAP_TOKENS, tokens::list, ADMIN);
        r.get(BOOTSTRAP_TOKEN, tokens::get, ADMIN);
        r.delete(BOOTSTRAP_TOKEN, tokens::revoke, ADMIN);
        r.get(BOOTSTRAP_TOKEN_USES, tokens::uses, ADMIN);

        r.post(TARGETS, targets::create, ADMIN);
        r.get(TARGETS, targets::list, ADMIN);
        r.get(TARGET, targets::get, ADMIN);
        r.put(TARGET, targets::put, ADMIN);
        r.delete(TARGET, targets::delete, ADMIN);
        r.post(TARGET_REVOKE, targets::revoke, ADMIN);
        r.get(TARGET_CHECKS, checkResults::latest, ADMIN);
        r.get(TARGET_CHECK_RESULTS, checkResults::history, ADMIN);
        r.get(TARGET_PROBES, probeResults::latest, ADMIN);
        r.get(TARGET_PROBE_RESULTS, probeResults::history, ADMIN);

        r.post(CHECKS, checks::create, ADMIN);
        r.get(CHECKS, checks::list, ADMIN);
        r.get(CHECK, checks::get, ADMIN);
        r.put(CHECK, checks::replace, ADMIN);
        r.delete(CHECK, checks::delete, ADMIN);

        // The matrix before {id}, which would otherwise claim "matrix".
        r.get(PROBE_MATRIX, probeResults::matrix, ADMIN);
        r.post(PROBES, probes::create, ADMIN);
        r.get(PROBES, probes::list, ADMIN);
        r.get(PROBE, probes::get, ADMIN);
        r.put(PROBE, probes::replace, ADMIN);
        r.delete(PROBE, probes::delete, ADMIN);

        r.post(HEARTBEAT, heartbeat::heartbeat, AGENT);
        r.get(POLICY, policy::get, AGENT);
        r.post(CHECK_RESULTS, checkResults::ingest, AGENT);
        r.post(PROBE_RESULTS, probeResults::ingest, AGENT);
        r.post(CERTIFICATE, pki::renew, AGENT);
    }
}
