package io.aami.terraform.plugin;

import com.google.protobuf.ByteString;
import io.aami.terraform.api.AamiClient;
import io.aami.terraform.api.ApiException;
import io.aami.terraform.api.ProviderSettings;
import io.aami.terraform.proto.ProviderGrpc;
import io.aami.terraform.proto.Tfplugin6.*;
import io.aami.terraform.resources.Catalog;
import io.aami.terraform.resources.DataSourceType;
import io.aami.terraform.resources.Planner;
import io.aami.terraform.resources.ResourceType;
import io.aami.terraform.values.Diags;
import io.aami.terraform.values.Msgpack;
import io.aami.terraform.values.ObjectSchema;
import io.grpc.stub.StreamObserver;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * The {@code tfplugin6.Provider} service: schemas, validation, configuration, and each resource's plan,
 * apply, read and import handed to its {@link ResourceType}. A refusal of the server becomes an error
 * diagnostic (on the attribute the server named), never a failed RPC.
 */
public final class ProviderService extends ProviderGrpc.ProviderImplBase {
    /** What ValidateProviderConfig assumes the environment gives, so that it judges only the block's own values. */
    private static final Map<String, String> PLACEHOLDERS = Map.of("AAMI_ADDRESS", "https://from-environment",
            "AAMI_TOKEN", "from-environment");
    private final Catalog catalog;
    private final Function<String, String> env;
    private final Path workDir;
    private volatile AamiClient client;

    /** A provider in this process's environment and working directory (Terraform started it). */
    public ProviderService(Catalog catalog, Function<String, String> env) {
        this(catalog, env, Path.of("").toAbsolutePath());
    }

    /**
     * A provider for one Terraform start served by a warm JVM ({@link InstanceServer}): {@code env} and
     * {@code workDir} are that start's, never the serving JVM's, so a relative {@code ca_file} means what it
     * would mean to a provider Terraform started itself.
     */
    public ProviderService(Catalog catalog, Function<String, String> env, Path workDir) {
        this.catalog = catalog;
        this.env = env;
        this.workDir = workDir;
    }

    @Override
    public void getMetadata(GetMetadata.Request req, StreamObserver<GetMetadata.Response> out) {
        GetMetadata.Response.Builder b = GetMetadata.Response.newBuilder()
                .setServerCapabilities(ServerCapabilities.newBuilder().setGetProviderSchemaOptional(true));
        catalog.resources().keySet().forEach(n -> b.addResources(GetMetadata.ResourceMetadata.newBuilder().setTypeName(n)));
        catalog.dataSources().keySet().forEach(n -> b.addDataSources(GetMetadata.DataSourceMetadata.newBuilder().setTypeName(n)));
        reply(out, b.build());
    }

    @Override
    public void getProviderSchema(GetProviderSchema.Request req, StreamObserver<GetProviderSchema.Response> out) {
        GetProviderSchema.Response.Builder b = GetProviderSchema.Response.newBuilder().setProvider(Schemas.of(Schemas.PROVIDER))
                .setServerCapabilities(ServerCapabilities.newBuilder().setGetProviderSchemaOptional(true));
        catalog.resources().forEach((n, r) -> b.putResourceSchemas(n, Schemas.of(r.schema())));
        catalog.dataSources().forEach((n, d) -> b.putDataSourceSchemas(n, Schemas.of(d.schema())));
        reply(out, b.build());
    }

    @Override
    public void validateProviderConfig(ValidateProviderConfig.Request req, StreamObserver<ValidateProviderConfig.Response> out) {
        Diags d = new Diags();
        Map<String, Object> cfg = Msgpack.decodeObject(req.getConfig().getMsgpack().toByteArray());
        if (cfg != null && cfg.values().stream().noneMatch(v -> v == io.aami.terraform.values.Unknown.VALUE)) {
            // Only the values' form here: a missing address or token may come from the environment at configure.
            ProviderSettings.resolve(cfg, PLACEHOLDERS::get, d);
        }
        reply(out, ValidateProviderConfig.Response.newBuilder().addAllDiagnostics(d.all()).build());
    }

    @Override
    public void configureProvider(ConfigureProvider.Request req, StreamObserver<ConfigureProvider.Response> out) {
        Diags d = new Diags();
        ProviderSettings s = ProviderSettings.resolve(Msgpack.decodeObject(req.getConfig().getMsgpack().toByteArray()), env, d);
        if (!d.hasErrors()) {
            client = new AamiClient(s.relativeTo(workDir));
        }
        reply(out, ConfigureProvider.Response.newBuilder().addAllDiagnostics(d.all()).build());
    }

    @Override
    public void validateResourceConfig(ValidateResourceConfig.Request req, StreamObserver<ValidateResourceConfig.Response> out) {
        Diags d = new Diags();
        ResourceType r = catalog.resources().get(req.getTypeName());
        Map<String, Object> cfg = Msgpack.decodeObject(req.getConfig().getMsgpack().toByteArray());
        if (r != null && cfg != null) {
            r.validate(cfg, d);
        }
        reply(out, ValidateResourceConfig.Response.newBuilder().addAllDiagnostics(d.all()).build());
    }

    @Override
    public void validateDataResourceConfig(ValidateDataResourceConfig.Request req,
                                           StreamObserver<ValidateDataResourceConfig.Response> out) {
        Diags d = new Diags();
        DataSourceType ds = catalog.dataSources().get(req.getTypeName());
        Map<String, Object> cfg = Msgpack.decodeObject(req.getConfig().getMsgpack().toByteArray());
        if (ds != null && cfg != null) {
            ds.validate(cfg, d);
        }
        reply(out, ValidateDataResourceConfig.Response.newBuilder().addAllDiagnostics(d.all()).build());
    }

    @Override
    public void upgradeResourceState(UpgradeResourceState.Request req, StreamObserver<UpgradeResourceState.Response> out) {
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
        reply(out, b.addAllDiagnostics(d.all()).build());
    }

    @Override
    public void readResource(ReadResource.Request req, StreamObserver<ReadResource.Response> out) {
        Diags d = new Diags();
        ResourceType r = catalog.resources().get(req.getTypeName());
        Map<String, Object> prior = Msgpack.decodeObject(req.getCurrentState().getMsgpack().toByteArray());
        Map<String, Object> now = prior;
        try {
            now = prior == null ? null : r.read(prior, client(), d);
        } catch (RuntimeException e) {
            failed(d, e, "read");
        }
        reply(out, ReadResource.Response.newBuilder().setNewState(dynamic(r.schema(), now)).setPrivate(req.getPrivate())
                .addAllDiagnostics(d.all()).build());
    }

    @Override
    public void planResourceChange(PlanResourceChange.Request req, StreamObserver<PlanResourceChange.Response> out) {
        Diags d = new Diags();
        ResourceType r = catalog.resources().get(req.getTypeName());
        Map<String, Object> prior = Msgpack.decodeObject(req.getPriorState().getMsgpack().toByteArray());
        Map<String, Object> proposed = Msgpack.decodeObject(req.getProposedNewState().getMsgpack().toByteArray());
        Map<String, Object> config = Msgpack.decodeObject(req.getConfig().getMsgpack().toByteArray());
        if (config != null) {
            r.validate(config, d);
            if (!d.hasErrors() && client != null) {
                try {
                    r.validateOnline(config, client, d);
                } catch (RuntimeException e) {
                    failed(d, e, "check");
                }
            }
        }
        Planner.Plan plan = Planner.plan(r, prior, proposed);
        PlanResourceChange.Response.Builder b = PlanResourceChange.Response.newBuilder()
                .setPlannedState(dynamic(r.schema(), plan.planned())).setPlannedPrivate(req.getPriorPrivate());
        plan.requiresReplace().forEach(a -> b.addRequiresReplace(Diags.path(a)));
        reply(out, b.addAllDiagnostics(d.all()).build());
    }

    @Override
    public void applyResourceChange(ApplyResourceChange.Request req, StreamObserver<ApplyResourceChange.Response> out) {
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
        reply(out, ApplyResourceChange.Response.newBuilder().setNewState(dynamic(r.schema(), result))
                .setPrivate(req.getPlannedPrivate()).addAllDiagnostics(d.all()).build());
    }

    @Override
    public void importResourceState(ImportResourceState.Request req, StreamObserver<ImportResourceState.Response> out) {
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
        reply(out, b.addAllDiagnostics(d.all()).build());
    }

    @Override
    public void readDataSource(ReadDataSource.Request req, StreamObserver<ReadDataSource.Response> out) {
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
        reply(out, b.build());
    }

    @Override
    public void stopProvider(StopProvider.Request req, StreamObserver<StopProvider.Response> out) {
        reply(out, StopProvider.Response.getDefaultInstance());
    }

    private AamiClient client() {
        AamiClient c = client;
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

    private static <T> void reply(StreamObserver<T> out, T value) {
        out.onNext(value);
        out.onCompleted();
    }
}
