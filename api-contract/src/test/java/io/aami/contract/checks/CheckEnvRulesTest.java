package io.aami.contract.checks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CheckEnvRulesTest {
    @ParameterizedTest
    @ValueSource(strings = {"LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "ld_preload", "BASH_ENV", "ENV", "BASH_FUNC_x",
            "SHELLOPTS", "BASHOPTS", "PS4", "IFS", "CDPATH", "GLOBIGNORE", "PROMPT_COMMAND", "PYTHONSTARTUP", "PYTHONPATH",
            "PYTHONHOME", "PYTHONINSPECT", "PERL5LIB", "PERL5OPT", "PERLLIB", "PERL_UNICODE", "RUBYOPT", "RUBYLIB",
            "GEM_HOME", "NODE_OPTIONS", "NODE_PATH", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS",
            "GCONV_PATH", "LOCPATH", "NLSPATH", "MALLOC_CHECK_", "MALLOC_TRACE", "GLIBC_TUNABLES", "HOSTALIASES",
            "RES_OPTIONS", "TMPDIR", "PATH", "HOME", "Path", "OPENSSL_CONF"})
    void loaderAndInterpreterHooksAreForbidden(String name) {
        assertThat(CheckEnvRules.isWellFormedName(name)).isTrue();
        assertThat(CheckEnvRules.isForbiddenName(name)).isTrue();
        assertThat(CheckEnvRules.problem(name, "x")).contains("may not be set");
    }

    @ParameterizedTest
    @ValueSource(strings = {"LIMIT", "WARN_AT", "LANG", "LC_ALL", "TZ", "http_proxy", "_private", "X1", "PAT", "HOMEDIR"})
    void ordinaryVariablesAreAllowed(String name) {
        assertThat(CheckEnvRules.problem(name, "value")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1A", "A-B", "A=B", "A B", "BASH_FUNC_f%%", "A\0B", "Ä"})
    void malformedNamesAreRefused(String name) {
        assertThat(CheckEnvRules.isWellFormedName(name)).isFalse();
        assertThat(CheckEnvRules.problem(name, "x")).contains("is not a variable name");
    }

    @Test
    void valuesAreBounded() {
        assertThat(CheckEnvRules.problem(null, "x")).isNotNull();
        assertThat(CheckEnvRules.problem("A".repeat(CheckEnvRules.MAX_NAME_CHARS), "x")).isNull();
        assertThat(CheckEnvRules.problem("A".repeat(CheckEnvRules.MAX_NAME_CHARS + 1), "x")).isNotNull();
        assertThat(CheckEnvRules.problem("A", "a\0b")).contains("NUL");
        assertThat(CheckEnvRules.problem("A", null)).isNotNull();
        assertThat(CheckEnvRules.problem("A", "v".repeat(CheckEnvRules.MAX_VALUE_CHARS))).isNull();
        assertThat(CheckEnvRules.problem("A", "v".repeat(CheckEnvRules.MAX_VALUE_CHARS + 1))).isNotNull();
    }
}
