import * as assert from "assert";
import { catalogue, languageFromEnv, message, nodeLanguage, placeholders, terminalLanguage } from "../../lib/messages";

describe("message catalogue", () => {
    it("has every key in both languages, with the same parameters", () => {
        assert.deepStrictEqual(Object.keys(catalogue.ko).sort(), Object.keys(catalogue.en).sort());
        for (const key of Object.keys(catalogue.en) as (keyof typeof catalogue.en)[]) {
            assert.ok(catalogue.en[key].trim() !== "" && catalogue.ko[key].trim() !== "", `${key} is empty`);
            assert.deepStrictEqual(placeholders(catalogue.ko[key]), placeholders(catalogue.en[key]), `${key}: parameters differ`);
        }
    });

    it("writes Korean text in the Korean catalogue", () => {
        for (const [key, text] of Object.entries(catalogue.ko)) assert.match(text, /[가-힣]/, `${key} has no Korean`);
    });

    it("reads the locale from LC_ALL, then LC_MESSAGES, then LANG, with C and POSIX counting as unset", () => {
        const cases: [Record<string, string>, "ko" | "en"][] = [
            [{ LANG: "ko_KR.UTF-8" }, "ko"],
            [{ LANG: "ko" }, "ko"],
            [{ LANG: "en_US.UTF-8" }, "en"],
            [{ LANG: "C.UTF-8" }, "en"],
            [{}, "en"],
            [{ LC_ALL: "en_US.UTF-8", LC_MESSAGES: "ko_KR.UTF-8", LANG: "ko_KR.UTF-8" }, "en"],
            [{ LC_ALL: "ko_KR.UTF-8", LANG: "en_US.UTF-8" }, "ko"],
            [{ LC_MESSAGES: "ko_KR.UTF-8", LANG: "en_US.UTF-8" }, "ko"],
            [{ LC_ALL: "C.UTF-8", LANG: "ko_KR.UTF-8" }, "ko"],
            [{ LC_ALL: "POSIX", LC_MESSAGES: "C", LANG: "ko_KR.UTF-8" }, "ko"],
            [{ LC_ALL: "", LANG: "ko_KR.UTF-8" }, "ko"],
            [{ LC_ALL: "C", LC_MESSAGES: "POSIX", LANG: "C.UTF-8" }, "en"],
        ];
        assert.deepStrictEqual(cases.map(([env]) => languageFromEnv(env)), cases.map(([, language]) => language));
    });

    it("follows the setting in the terminal when it names a language, and the locale for auto", () => {
        const korean = { LANG: "ko_KR.UTF-8" };
        assert.deepStrictEqual(
            [terminalLanguage("en", korean), terminalLanguage("ko", { LANG: "en_US.UTF-8" }), terminalLanguage("auto", korean), terminalLanguage(undefined, {})],
            ["en", "ko", "ko", "en"],
        );
    });

    it("speaks the setting on the nodes, Korean for auto, whatever the locale", () => {
        assert.deepStrictEqual([nodeLanguage("auto"), nodeLanguage("ko"), nodeLanguage("en")], ["ko", "ko", "en"]);
    });

    it("fills parameters in either language", () => {
        assert.strictEqual(message("en", "allowed.integerRange", { min: 1, max: 10 }), "use a whole number from 1 to 10");
        assert.strictEqual(message("ko", "allowed.integerRange", { min: 1, max: 10 }), "1부터 10까지의 정수를 사용하세요");
    });
});
