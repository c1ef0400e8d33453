package io.aami.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The browser tests' own checks can fail: each meets a small page (a data: URL, no server) with the fault it looks
 * for, and one without it.
 */
class HarnessSelfTest {
    private static Browser browser;

    @BeforeAll
    static void start() {
        browser = Browser.start(HarnessSelfTest.class.getSimpleName());
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void axeFailsOnAnImageWithoutTextAndAFieldWithoutLabel() {
        show("<main><h1>t</h1><img src='data:image/gif;base64,R0lGODlhAQABAAAAACw='><input></main>");
        assertThatThrownBy(() -> Axe.assertAccessible(browser.driver(), "a faulty page"))
                .hasMessageContaining("critical image-alt").hasMessageContaining("label");
        show("<main><h1>t</h1><label>Name <input></label></main>");
        Axe.assertAccessible(browser.driver(), "a sound page");
    }

    @Test
    void aWriteControlIsFoundAndReadingControlsAreNot() {
        show("<main><form method=get action=/ui/targets><label>Search <input name=q></label><button>Go</button></form>"
                + "<button type=button id=logout>Log out</button><button type=button aria-expanded=false>Menu</button></main>");
        ReadOnlyPage.assertNoWriteControls(browser.driver(), "a read-only page");
        for (String write : new String[] {"<form method=post><label>N <input name=n></label></form>", "<button>Delete</button>",
                "<a href='/ui/checks/new'>New check</a>", "<span data-method=DELETE>x</span>", "<select><option>a</select>",
                "<div contenteditable>edit me</div>",
                "<form method=get data-api=/api/v1/groups><label>N <input name=name></label></form>",
                "<button type=button data-api=/api/v1/targets/1/revoke aria-expanded=false>Revoke</button>"}) {
            show("<main>" + write + "</main>");
            assertThatThrownBy(() -> ReadOnlyPage.assertNoWriteControls(browser.driver(), write)).hasMessageContaining("a viewer is offered");
        }
    }

    @Test
    void aPageWiderThanANarrowWindowIsFound() {
        try {
            PageLayout.narrow(browser.driver(), PageLayout.NARROW);
            show("<main><p>fits</p></main>");
            assertThat(PageLayout.viewportWidth(browser.driver())).isEqualTo(PageLayout.NARROW);
            PageLayout.assertNoHorizontalScroll(browser.driver(), "a fitting page");
            show("<main><table id=wide style='width:700px'><tr><td>wide</td></tr></table></main>");
            assertThatThrownBy(() -> PageLayout.assertNoHorizontalScroll(browser.driver(), "a wide page"))
                    .hasMessageContaining("table#wide");
        } finally {
            PageLayout.reset(browser.driver());
        }
    }

    private static void show(String body) {
        String html = "<!DOCTYPE html><html lang=en><head><meta name=viewport content='width=device-width'><title>t</title></head><body>"
                + body + "</body></html>";
        browser.driver().get("data:text/html;charset=utf-8," + URLEncoder.encode(html, StandardCharsets.UTF_8).replace("+", "%20"));
    }
}
