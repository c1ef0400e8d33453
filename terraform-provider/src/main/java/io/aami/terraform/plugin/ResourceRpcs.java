package io.aami.terraform.plugin;

import com.google.protobuf.ByteString;
import io.aami.terraform.api.AamiClient;
import io.aami.terraform.api.ApiException;
import io.aami.terraform.proto.Tfplugin6.*;
import io.aami.terraform.resources.Catalog;
import io.aami.terraform.resources.DataSourceType;
import io.aami.terraform.resources.Planner;
import io.aami.terraform.resources.ResourceType;
import io.aami.terraform.values.Diags;
import io.aami.terraform.values.Msgpack;
import io.aami.terraform.values.ObjectSchema;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@link ProviderService}'s RPCs that reach the aami server through a resource's {@link ResourceType} or a data
 * source's {@link DataSourceType}: a stored state's upgrade, read, plan, apply, import, and a data source's read.
 * A refusal of the server, or a server out of reach, becomes an error diagnostic (on the attribute the server
 * named), never a failed RPC: Terraform then shows it on the resource.
 */
final class ResourceRpcs {
    private final Catalog catalog;
    /** The client ConfigureProvider made; null until then. */
    private final Supplier<AamiClient> configured;

    ResourceRpcs(Catalog catalog, Supplier<AamiClient> configured) {
        this.catalog = catalog;
        this.configured = configured;
    }

    UpgradeResourceState.Response upgrade(UpgradeResourceState.Request req) {
        // Schema version 0 only: the stored JSON is re-encoded with today's attributes (extra ones dropped).
        Diags d = new Diags();
        UpgradeResourceState.Response.Builder b = UpgradeResourceState.Response.newBuilder();
        try {
            ObjectSchema s = catalog.resources().get(req.getTypeName()).schema();
            @SuppressWarnings("unchecked")
            Map<String, Object> raw = client().mapper().readValue(req.getRawState().getJson().toByteArray(), Map.class);
            b.setUpgradedState(dynamic(s, StateJson.fromJson(s, raw)));
        } catch (java.io.IOException | RuntimeException e) {
            d.error("cannot read the stored state of " + req.getTypeName(), String.valueOf(e.getMessage()));
        }
        return b.addAllDiagnostics(d.all()).build();
    }

    ReadResource.Response read(ReadResource.Request req) {
        Diags d = new Diags();
        ResourceType r = catalog.resources().get(req.getTypeName());
        Map<String, Object> prior = Msgpack.decodeObject(req.getCurrentState().getMsgpack().toByteArray());
        Map<String, Object> now = prior;
        try {
            now = prior == null ? null : r.read(prior, client(), d);
        } catch (RuntimeException e) {
            failed(d, e, "read");
        }
        return ReadResource.Response.newBuilder().setNewState(dynamic(r.schema(), now)).setPrivate(req.getPrivate())
                .addAllDiagnostics(d.all()).build();
    }

    PlanResourceChange.Response plan(PlanResourceChange.Request req) {
        Diags d = new Diags();
        ResourceType r = catalog.resources().get(req.getTypeName());
        Map<String, Object> prior = Msgpack.decodeObject(req.getPriorState().getMsgpack().toByteArray());
        Map<String, Object> proposed = Msgpack.decodeObject(req.getProposedNewState().getMsgpack().toByteArray());
        Map<String, Object> config = Msgpack.decodeObject(req.getConfig().getMsgpack().toByteArray());
        if (config != null) {
            r.validate(config, d);
            AamiClient c = configured.get();
            if (!d.hasErrors() && c != null) {
                try {
                    r.validateOnline(config, c, d);
                } catch (RuntimeException e) {
                    failed(d, e, "check");
                }
            }
        }
        Planner.Plan plan = Planner.plan(r, prior, proposed);
        PlanResourceChange.Response.Builder b = PlanResourceChange.Response.newBuilder()
                .setPlannedState(dynamic(r.schema(), plan.planned())).setPlannedPrivate(req.getPriorPrivate());
        plan.requiresReplace().forEach(a -> b.addRequiresReplace(Diags.path(a)));
        return b.addAllDiagnostics(d.all()).build();
    }

    ApplyResourceChange.Response apply(ApplyResourceChange.Request req) {
        Diags d = new Diags();
        ResourceType r = catalog.resources().get(req.getTypeName());
        Map<String, Object> prior = Msgpack.decodeObject(req.getPriorState().getMsgpack().toByteArray());
        Map<String, Object> planned = Msgpack.decodeObject(req.getPlannedState().getMsgpack().toByteArray());
        Map<String, Object> result = prior;
        try {
            if (planned == null) {
                r.delete(prior, client());
                result = null;
            } else if (prior == null) {
                result = r.create(planned, client(), d);
            } else {
                result = r.update(prior, planned, client(), d);
                if (result == null) {
                    result = prior;
                }
            }
        } catch (RuntimeException e) {
            failed(d, e, planned == null ? "delete" : prior == null ? "create" : "update");
        }
        return ApplyResourceChange.Response.newBuilder().setNewState(dynamic(r.schema(), result))
                .setPrivate(req.getPlannedPrivate()).addAllDiagnostics(d.all()).build();
    }

    ImportResourceState.Response importState(ImportResourceState.Request req) {
        Diags d = new Diags();
        ResourceType r = catalog.resources().get(req.getTypeName());
        ImportResourceState.Response.Builder b = ImportResourceState.Response.newBuilder();
        try {
            Map<String, Object> state = r.importState(req.getId().trim(), client(), d);
            if (state != null) {
                b.addImportedResources(ImportResourceState.ImportedResource.newBuilder().setTypeName(r.name())
                        .setState(dynamic(r.schema(), state)));
            }
        } catch (RuntimeException e) {
            failed(d, e, "import");
        }
        return b.addAllDiagnostics(d.all()).build();
    }

    ReadDataSource.Response readDataSource(ReadDataSource.Request req) {
        Diags d = new Diags();
        DataSourceType ds = catalog.dataSources().get(req.getTypeName());
        Map<String, Object> cfg = Msgpack.decodeObject(req.getConfig().getMsgpack().toByteArray());
        Map<String, Object> state = null;
        try {
            ds.validate(cfg, d);
            if (!d.hasErrors()) {
                state = ds.read(cfg, client(), d);
            }
        } catch (RuntimeException e) {
            failed(d, e, "read");
        }
        ReadDataSource.Response.Builder b = ReadDataSource.Response.newBuilder().addAllDiagnostics(d.all());
        if (state != null) {
            b.setState(dynamic(ds.schema(), state));
        }
        return b.build();
    }

    private AamiClient client() {
        AamiClient c = configured.get();
        if (c == null) {
            throw new IllegalStateException("the provider is not configured");
        }
        return c;
    }

    private static void failed(Diags d, RuntimeException e, String action) {
        if (e instanceof ApiException a) {
            String detail = a.getMessage() + (a.code() == null ? "" : " (" + a.code() + ", HTTP " + a.status() + ")");
            if (a.field() != null && !a.field().isBlank()) {
                d.error(a.field().split("\\.")[0], "the aami server refused the " + action, detail);
            } else {
                d.error("the aami server refused the " + action, detail);
            }
        } else if (e instanceof UncheckedIOException) {
            d.error("cannot " + action + ": aami server unreachable", e.getMessage());
        } else {
            d.error("cannot " + action, String.valueOf(e.getMessage()));
        }
    }

    private static DynamicValue dynamic(ObjectSchema s, Map<String, Object> v) {
        return DynamicValue.newBuilder().setMsgpack(ByteString.copyFrom(Msgpack.encode(s, v))).build();
    }
}
