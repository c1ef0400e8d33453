package io.aami.terraform.resources;

import io.aami.terraform.api.AamiClient;
import io.aami.terraform.api.Trust;
import io.aami.terraform.values.Attr;
import io.aami.terraform.values.AttrType;
import io.aami.terraform.values.Diags;
import io.aami.terraform.values.ObjectSchema;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code data "aami_ca"}: the server's CA certificate (PEM) and its pin, for agents' cloud-init. */
final class CaData implements DataSourceType {
    static final ObjectSchema SCHEMA = new ObjectSchema("The server's CA certificate.", List.of(
            Attr.computed("pem", AttrType.STRING, "The CA certificate, PEM."),
            Attr.computed("sha256", AttrType.STRING, "Its SHA-256 (64 hex digits): the pin agents take as server.tls.ca_cert_sha256.")));

    @Override
    public String name() {
        return "aami_ca";
    }

    @Override
    public ObjectSchema schema() {
        return SCHEMA;
    }

    @Override
    public Map<String, Object> read(Map<String, Object> config, AamiClient client, Diags diags) {
        AamiClient.Reply r = client.get("/api/v1/ca");
        if (r.status() != 200) {
            diags.error("cannot read the CA", "GET /api/v1/ca answered " + r.status());
            return null;
        }
        try {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("pem", r.body());
            out.put("sha256", Trust.sha256Hex(Trust.parse(r.body().getBytes(StandardCharsets.US_ASCII))));
            return out;
        } catch (GeneralSecurityException e) {
            diags.error("the server's CA is not a certificate", e.getMessage());
            return null;
        }
    }
}
