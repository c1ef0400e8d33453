package io.aami.terraform.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The warm JVM's request from a launcher: what it takes, and a table of what it refuses. */
class InstanceRequestTest {
    /** This test's JVM stands in for the launcher, and its parent for Terraform. */
    private static final long SELF = ProcessHandle.current().pid();
    private static final long PARENT = ProcessHandle.current().parent().orElseThrow().pid();

    private static String request(String... items) {
        return String.join("\0", items) + "\0";
    }

    @Test
    void takesTheStartsOwnSettingsAndKeepsThemOutOfItsText() {
        String pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        InstanceRequest r = InstanceRequest.parse(request("pid=" + SELF, "ppid=" + PARENT, "cwd=/work/tf dir", "cert=" + pem,
                "env.AAMI_TOKEN=s3cret=with=equals", "env.AAMI_ADDRESS=https://a:8443", "end"));
        assertThat(r.launcher().pid()).isEqualTo(SELF);
        assertThat(r.terraform().pid()).isEqualTo(PARENT);
        assertThat(r.workDir()).isEqualTo(Path.of("/work/tf dir"));
        assertThat(r.clientCert()).isEqualTo(pem);
        assertThat(r.env()).isEqualTo(Map.of("AAMI_TOKEN", "s3cret=with=equals", "AAMI_ADDRESS", "https://a:8443"));
        assertThat(r.toString()).doesNotContain("s3cret").contains("AAMI_TOKEN");
    }

    @Test
    void anEmptyValueIsAValue() {
        InstanceRequest r = InstanceRequest.parse(request("pid=" + SELF, "ppid=" + PARENT, "cwd=/", "env.AAMI_CA_FILE=", "end"));
        assertThat(r.env()).containsEntry("AAMI_CA_FILE", "").hasSize(1);
        assertThat(r.clientCert()).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no end                 | pid=SELF,ppid=PARENT,cwd=/                         | must end with 'end'",
        "text after end         | pid=SELF,ppid=PARENT,cwd=/,end,pid=1               | must end with 'end'",
        "no pid                 | ppid=PARENT,cwd=/,end                              | needs pid",
        "relative cwd           | pid=SELF,ppid=PARENT,cwd=tf,end                    | absolute cwd",
        "pid not a number       | pid=12x,ppid=PARENT,cwd=/,end                      | pid is not a process id",
        "pid zero               | pid=0,ppid=PARENT,cwd=/,end                        | pid is not a process id",
        "another variable       | pid=SELF,ppid=PARENT,cwd=/,env.LD_PRELOAD=/x.so,end | unknown item 'env.LD_PRELOAD'",
        "unknown item           | pid=SELF,ppid=PARENT,cwd=/,shell=sh,end            | unknown item 'shell'",
        "item without a value   | pid=SELF,ppid=PARENT,cwd=/,env.AAMI_TOKEN,end      | 'env.AAMI_TOKEN' has no value",
        "ppid not the parent    | pid=SELF,ppid=SELF,cwd=/,end                       | is not the launcher's parent",
        "launcher gone          | pid=999999999,ppid=PARENT,cwd=/,end                | launcher gone",
    })
    void refuses(String name, String items, String message) {
        String text = request(items.replace("SELF", Long.toString(SELF)).replace("PARENT", Long.toString(PARENT)).split(","));
        String request = text;
        assertThatThrownBy(() -> InstanceRequest.parse(request)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void aRefusalNeverQuotesAValue() {
        assertThatThrownBy(() -> InstanceRequest.parse(request("pid=" + SELF, "ppid=" + PARENT, "cwd=/", "env.AAMI_TOKENX=s3cret", "end")))
                .hasMessageContaining("env.AAMI_TOKENX").hasMessageNotContaining("s3cret");
    }
}
