import * as assert from "assert";
import { catalogue, languageFromEnv, message, nodeLanguage, placeholders, terminalLanguage, translator } from "../../lib/messages";
import { phaseName, phases } from "../../cli/progress";
import { describeAttempt } from "../../lib/access";
import { policyCatalogue } from "../../policy/messages";

/**
 * Korean particles change with the word before them (이/가, 을/를, 은/는, 와/과, 으로/로), and a
 * parameter's value is not known when the template is written: a particle glued to `}` is
 * wrong for some values, and a fallback form such as 이(가) reads as a machine's. A parameter
 * takes a Korean head noun (`{node} 노드가`, `{mode} 방식으로`) or stands as a label (`노드: {node}`).
 * A parameter is the catalogue's `{name}` or Prometheus's `{{ $labels.app }}`; quoting it or
 * wrapping it in parentheses or backticks (`'{command}'을`, `({code})로`) is still gluing, unless
 * a head noun stands right before the parenthesis (`결과({reason})는`: the particle is the noun's).
 */
const parameter = String.raw`(?:\{\w+\}|\{\{[^{}]*\}\})`;
const particle = "(?:으로|에서|에게|[이가을를은는와과로의에도만나라랑며])";
const gluedParticle = new RegExp(String.raw`(?:${parameter}|(?<![^\s])['"\`(\[]${parameter}['"\`)\]])${particle}`, "g");
const fallbackParticle = /[^\s(]*(?:이\(가\)|가\(이\)|을\(를\)|를\(을\)|은\(는\)|는\(은\)|와\(과\)|과\(와\)|\(으\)로|\(이\))/g;

/** The particle faults of a Korean template: each glued particle with its parameter, then each fallback form with its word. */
function particleFaults(template: string): string[] {
    return [...template.matchAll(gluedParticle), ...template.matchAll(fallbackParticle)].map((m) => m[0]);
}

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

    it("glues no particle to a parameter and uses no fallback particle, in the catalogue or the policy pack's", () => {
        const templates = [...Object.entries(catalogue.ko), ...Object.entries(policyCatalogue.ko).map(([key, text]) => [`policy/messages.ts ${key}`, text])];
        const faults = templates.flatMap(([key, text]) => particleFaults(text).map((fault) => `${key}: ${fault}`));
        assert.deepStrictEqual(faults, []);
    });

    it("finds each kind of particle fault, and none after a head noun or a label", () => {
        assert.deepStrictEqual(
            ["{node}가 준비", "{mode}(으)로 적용", "{target}이(가) 응답", "HTTP {status}로 응답", "{file}에 저장", "{key}의 값", "{a}와(과) {b}을(를)"].map(particleFaults),
            [["{node}가"], ["{mode}(으)로"], ["{target}이", "{target}이(가)"], ["{status}로"], ["{file}에"], ["{key}의"], ["{a}와", "{b}을", "{a}와(과)", "{b}을(를)"]],
        );
        assert.deepStrictEqual(
            ["{{ $labels.app }}가 응답", "'{command}'을 실행", "실패했습니다 ({code})로", "`{file}`를 읽습니다", "\"{name}\"은", "{a}나 {b}", "{mode}라고", "{a}랑 {b}", "{a}며"].map(particleFaults),
            [["{{ $labels.app }}가"], ["'{command}'을"], ["({code})로"], ["`{file}`를"], ["\"{name}\"은"], ["{a}나"], ["{mode}라"], ["{a}랑"], ["{a}며"]],
        );
        assert.deepStrictEqual(
            ["{node} 노드가 준비", "{mode} 방식으로", "노드: {node}", "{seconds}초 안에", "{network}입니다", "{min}부터 {max}까지", "{{ $labels.app }} 서비스가", "'{command}' 명령이", "확인 결과({reason})는", "({code}).", "{mode} 방식이라"].map(particleFaults),
            [[], [], [], [], [], [], [], [], [], [], []],
        );
    });

    it("says /8 or narrower in Korean as the English does, not /8 or less", () => {
        assert.match(catalogue.ko["allowed.adminCidr"], /\/8보다 좁거나 같은 블록/);
        assert.doesNotMatch(catalogue.ko["allowed.adminCidr"], /이하/);
    });

    it("speaks one style in Korean: 합니다체 with -세요, no 해요체 question or 다음 단계 label", () => {
        const faults = Object.entries(catalogue.ko).filter(([, text]) => /(나요|가요|어요|아요|해요|예요|이에요)[?.]|다음 단계:|듣고 있|(?<!자격 )증명/.test(text)).map(([key]) => key);
        assert.deepStrictEqual(faults, []);
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

    it("names verdicts and up's phases in Korean in the Korean terminal, and keeps the codes in English", () => {
        const results = [
            { target: "bookinfo", title: "Bookinfo", url: "http://203.0.113.10:30080/productpage", verdict: "timeout" as const, ms: 10000 },
            { target: "grafana", title: "Grafana", url: "http://203.0.113.10:30030/", verdict: "ok" as const, ms: 12 },
        ];
        assert.strictEqual(describeAttempt(1, results, translator("ko")), "시도 1: bookinfo 시간 초과 (10000 ms), grafana 정상 (12 ms)");
        assert.strictEqual(describeAttempt(1, results, translator("en")), "Attempt 1: bookinfo timeout (10000 ms), grafana ok (12 ms)");
        const verdicts = ["ok", "timeout", "slow", "refused", "unreachable", "reset", "serverError", "unexpectedStatus", "notProductPage", "unauthorized", "noDatasource", "datasourceUnhealthy",
            "prometheusError", "noBookinfoPods", "unmeshedPods", "proxyTargetsMissing", "proxyTargetsPending", "noDashboard", "noShippedDashboard", "dashboardChanged", "panelsWithoutData", "alertRulesMissing",
            "alertRulesFailing", "alertRulesPending"];
        assert.deepStrictEqual(Object.keys(catalogue.en).filter((key) => key.startsWith("verdict.")), verdicts.map((v) => `verdict.${v}`));
        assert.deepStrictEqual(verdicts.filter((v) => /[A-Za-z]/.test(catalogue.ko[`verdict.${v}` as keyof typeof catalogue.ko])), []);
        assert.deepStrictEqual(phases.map((p) => phaseName(p, translator("ko"))), ["네트워크", "노드", "부트스트랩", "플랫폼", "검증"]);
        assert.deepStrictEqual(phases.map((p) => phaseName(p, translator("en"))), [...phases]);
        assert.strictEqual(message("ko", "up.phase", { elapsed: "1:05", phase: phaseName("bootstrap", translator("ko")) }), "[1:05] 부트스트랩 단계");
    });

    it("fills parameters in either language", () => {
        // What is allowed ends the config sentence, so it is no sentence of its own: no full stop inside.
        for (const language of ["en", "ko"] as const) {
            const split = Object.entries(catalogue[language]).filter(([key, text]) => key.startsWith("allowed.") && /[.다]\. /.test(text));
            assert.deepStrictEqual(split.map(([key]) => key), [], language);
        }
        assert.strictEqual(message("en", "allowed.integerRange", { min: 1, max: 10 }), "use a whole number from 1 to 10");
        assert.strictEqual(message("ko", "allowed.integerRange", { min: 1, max: 10 }), "1부터 10까지의 정수를 사용하세요");
    });
});
