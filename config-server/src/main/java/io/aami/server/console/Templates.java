package io.aami.server.console;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.util.Map;

/**
 * The console's jte templates ({@code config-server/src/main/jte}), compiled to classes at build time by the
 * jte-maven-plugin: nothing is compiled or read from disk at run time. Output is HTML-escaped by default.
 */
final class Templates {
    private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

    String render(String name, Object param) {
        StringOutput out = new StringOutput();
        engine.render(name, param, out);
        return out.toString();
    }

    /** A template whose parameters are named ({@code @param} with defaults for the ones left out). */
    String render(String name, Map<String, Object> params) {
        StringOutput out = new StringOutput();
        engine.render(name, params, out);
        return out.toString();
    }

    String render(String name) {
        StringOutput out = new StringOutput();
        engine.render(name, Map.of(), out);
        return out.toString();
    }
}
