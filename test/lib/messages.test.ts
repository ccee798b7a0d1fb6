import * as assert from "assert";
import { catalogue, languageFromEnv, message, placeholders } from "../../lib/messages";

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

    it("follows LANG: ko* is Korean, anything else English", () => {
        assert.strictEqual(languageFromEnv("ko_KR.UTF-8"), "ko");
        assert.strictEqual(languageFromEnv("ko"), "ko");
        assert.strictEqual(languageFromEnv("en_US.UTF-8"), "en");
        assert.strictEqual(languageFromEnv("C.UTF-8"), "en");
        assert.strictEqual(languageFromEnv(undefined), "en");
    });

    it("fills parameters in either language", () => {
        assert.strictEqual(message("en", "allowed.integerRange", { min: 1, max: 10 }), "use a whole number from 1 to 10");
        assert.strictEqual(message("ko", "allowed.integerRange", { min: 1, max: 10 }), "1부터 10까지의 정수를 사용하세요");
    });
});
