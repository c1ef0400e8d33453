package io.aami.console;

import java.util.List;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * What a viewer must not be offered: any control that would change something. Found in the page's DOM (shown or
 * hidden alike: a hidden form is still sent to the viewer and one CSS rule away from use):
 * <ul>
 * <li>a form whose method is not GET, or that names a method to send ({@code data-method});</li>
 * <li>a button, input (but hidden ones), select, textarea or contenteditable element outside a GET form (GET forms are
 * search and filter forms);</li>
 * <li>an element carrying {@code data-api}, {@code data-method} or {@code data-confirm} (console.js sends those to the
 * API: the console's script-driven writes);</li>
 * <li>a link to a page that makes or edits something (a path ending in {@code /new} or {@code /edit}).</li>
 * </ul>
 * Allowed: the logout button ({@code #logout}, the one write every role has), and buttons of type button that only
 * show or hide part of the page ({@code aria-expanded}, e.g. the narrow window's menu).
 */
public final class ReadOnlyPage {
    private static final String FIND = """
            const found = [];
            const method = f => (f.getAttribute("method") || "get").toLowerCase();
            const writes = f => method(f) !== "get" || f.hasAttribute("data-api") || f.hasAttribute("data-method");
            const inGetForm = e => { const f = e.closest("form"); return f !== null && !writes(f); };
            const say = e => e.outerHTML.replace(/\\s+/g, " ").slice(0, 160);
            for (const f of document.querySelectorAll("form")) {
              if (writes(f)) found.push(say(f));
            }
            for (const e of document.querySelectorAll("button, input, select, textarea, [contenteditable]")) {
              if (e.matches("input[type=hidden], [contenteditable=false]") || inGetForm(e) || e.id === "logout") continue;
              if (e.matches("button[type=button][aria-expanded]")) continue;
              if (e.closest("form") && writes(e.closest("form"))) continue;
              found.push(say(e));
            }
            for (const e of document.querySelectorAll("[data-api], [data-method], [data-confirm]")) {
              if (e.tagName !== "FORM") found.push(say(e));
            }
            for (const a of document.querySelectorAll("a[href]")) {
              const path = a.getAttribute("href").split(/[?#]/)[0];
              if (/\\/(new|edit)\\/?$/.test(path)) found.push(say(a));
            }
            return found;""";

    private ReadOnlyPage() {
    }

    /** Fails listing every control on the page {@code driver} shows that would change something. */
    public static void assertNoWriteControls(WebDriver driver, String pageName) {
        @SuppressWarnings("unchecked")
        List<String> found = (List<String>) ((JavascriptExecutor) driver).executeScript(FIND);
        if (!found.isEmpty()) {
            throw new AssertionError("a viewer is offered " + found.size() + " control(s) that change something on " + pageName
                    + " (" + driver.getCurrentUrl() + "):\n- " + String.join("\n- ", found));
        }
    }
}
