/**
 * The policy pack's messages, in English and Korean. The pack is a package of its own, so it
 * keeps its own copy; a test keeps it identical to the `policy.*` entries of lib/messages.ts.
 */
export const policyMessages = {
    en: {
        "policy.worldIngress": "{resource} opens {ports}/{protocol} to {cidr}; only {allowed} may be open to the world.",
        "policy.worldAdmin": "{resource} opens {port} ({what}) to {cidr}: SSH and the Kubernetes API are never open to the world.",
        "policy.imdsv2": "{resource} does not require IMDSv2: set metadataOptions.httpTokens to required.",
        "policy.unencrypted": "{resource} has an unencrypted volume ({volume}): set encrypted to true.",
        "policy.instanceType": "{resource} uses instance type {instanceType}, which is not allowed (cost); allowed: {allowed}.",
        "policy.tags": "{resource} lacks the tags {missing}, from its own tags or its provider's default tags.",
        "policy.loadBalancer": "{resource} is a LoadBalancer Service, which would create an AWS load balancer that destroy leaves behind: use NodePort.",
    },
    ko: {
        "policy.worldIngress": "{resource}이(가) {ports}/{protocol}을(를) {cidr}에 엽니다. 전체 인터넷에는 {allowed}만 열 수 있습니다.",
        "policy.worldAdmin": "{resource}이(가) {port}({what})을(를) {cidr}에 엽니다: SSH와 Kubernetes API는 절대 전체 인터넷에 열지 않습니다.",
        "policy.imdsv2": "{resource}이(가) IMDSv2를 요구하지 않습니다: metadataOptions.httpTokens를 required로 설정하세요.",
        "policy.unencrypted": "{resource}에 암호화되지 않은 볼륨({volume})이 있습니다: encrypted를 true로 설정하세요.",
        "policy.instanceType": "{resource}이(가) 허용되지 않은 인스턴스 타입 {instanceType}을(를) 씁니다(비용). 허용: {allowed}.",
        "policy.tags": "{resource}에 태그 {missing}이(가) 없습니다 (자체 태그나 프로바이더의 기본 태그).",
        "policy.loadBalancer": "{resource}은(는) LoadBalancer 서비스입니다. 삭제 후에도 남는 AWS 로드 밸런서를 만들게 되므로 NodePort를 쓰세요.",
    },
} as const;

export type PolicyMessageKey = keyof typeof policyMessages.en;

export function policyMessage(key: PolicyMessageKey, params: Record<string, string | number>, lang: string | undefined = process.env.LANG): string {
    const language = lang?.toLowerCase().startsWith("ko") ? "ko" : "en";
    return policyMessages[language][key].replace(/\{(\w+)\}/g, (whole: string, name: string) => (name in params ? String(params[name]) : whole));
}
