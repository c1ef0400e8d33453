package io.aami.terraform.plugin;

import io.aami.terraform.proto.Tfplugin6.Schema;
import io.aami.terraform.proto.Tfplugin6.StringKind;
import io.aami.terraform.values.Attr;
import io.aami.terraform.values.AttrType;
import io.aami.terraform.values.ObjectSchema;
import java.util.List;

/** Our schemas as the protocol's {@code Schema} messages, and the provider block's own schema. */
public final class Schemas {
    public static final ObjectSchema PROVIDER = new ObjectSchema("The aami config-server's admin API.", List.of(
            Attr.optional("address", AttrType.STRING, "The server's base URL, e.g. https://config.example.com:8443 (AAMI_ADDRESS)."),
            Attr.optional("ca_cert_sha256", AttrType.STRING, "The SHA-256 of the server's CA certificate, as agents pin it (AAMI_CA_CERT_SHA256)."),
            Attr.optional("ca_file", AttrType.STRING, "A PEM file with the server's CA certificate, instead of the pin (AAMI_CA_FILE)."),
            Attr.optional("token", AttrType.STRING, "An API token: a user's (aami_u_…), or the admin token (AAMI_TOKEN).").asSensitive()));

    private Schemas() {
    }

    public static Schema of(ObjectSchema s) {
        return Schema.newBuilder().setVersion(0).setBlock(block(s)).build();
    }

    private static Schema.Block block(ObjectSchema s) {
        Schema.Block.Builder b = Schema.Block.newBuilder().setDescription(s.description())
                .setDescriptionKind(StringKind.PLAIN);
        for (Attr a : s.attributes()) {
            b.addAttributes(Schema.Attribute.newBuilder().setName(a.name())
                    .setType(com.google.protobuf.ByteString.copyFrom(a.type().typeJson()))
                    .setDescription(a.description()).setRequired(a.required()).setOptional(a.optional())
                    .setComputed(a.computed()).setSensitive(a.sensitive()));
        }
        for (ObjectSchema.Block nested : s.blocks()) {
            b.addBlockTypes(Schema.NestedBlock.newBuilder().setTypeName(nested.name()).setBlock(block(nested.schema()))
                    .setNesting(Schema.NestedBlock.NestingMode.SINGLE));
        }
        return b.build();
    }
}
