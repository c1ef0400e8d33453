package io.aami.server.console;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;

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
}
