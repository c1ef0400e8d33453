package io.aami.terraform.plugin;

import io.aami.terraform.api.AamiClient;
import io.aami.terraform.api.ProviderSettings;
import io.aami.terraform.proto.ProviderGrpc;
import io.aami.terraform.proto.Tfplugin6.*;
import io.aami.terraform.resources.Catalog;
import io.aami.terraform.resources.DataSourceType;
import io.aami.terraform.resources.ResourceType;
import io.aami.terraform.values.Diags;
import io.aami.terraform.values.Msgpack;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * The {@code tfplugin6.Provider} service: schemas, validation, configuration, and each resource's plan,
 * apply, read and import handed to its {@link ResourceType} through {@link ResourceRpcs}. A refusal of the
 * server becomes an error diagnostic (on the attribute the server named), never a failed RPC.
 */
public final class ProviderService extends ProviderGrpc.ProviderImplBase {
    /** What ValidateProviderConfig assumes the environment gives, so that it judges only the block's own values. */
    private static final Map<String, String> PLACEHOLDERS = Map.of("AAMI_ADDRESS", "https://from-environment",
            "AAMI_TOKEN", "from-environment");
    private final Catalog catalog;
    private final Function<String, String> env;
    private final Path workDir;
    private final ResourceRpcs resources;
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
        this.resources = new ResourceRpcs(catalog, () -> client);
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
        reply(out, resources.upgrade(req));
    }

    @Override
    public void readResource(ReadResource.Request req, StreamObserver<ReadResource.Response> out) {
        reply(out, resources.read(req));
    }

    @Override
    public void planResourceChange(PlanResourceChange.Request req, StreamObserver<PlanResourceChange.Response> out) {
        reply(out, resources.plan(req));
    }

    @Override
    public void applyResourceChange(ApplyResourceChange.Request req, StreamObserver<ApplyResourceChange.Response> out) {
        reply(out, resources.apply(req));
    }

    @Override
    public void importResourceState(ImportResourceState.Request req, StreamObserver<ImportResourceState.Response> out) {
        reply(out, resources.importState(req));
    }

    @Override
    public void readDataSource(ReadDataSource.Request req, StreamObserver<ReadDataSource.Response> out) {
        reply(out, resources.readDataSource(req));
    }

    @Override
    public void stopProvider(StopProvider.Request req, StreamObserver<StopProvider.Response> out) {
        reply(out, StopProvider.Response.getDefaultInstance());
    }

    private static <T> void reply(StreamObserver<T> out, T value) {
        out.onNext(value);
        out.onCompleted();
    }
}
