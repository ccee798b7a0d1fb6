/**
 * The one catalogue of operator-facing messages, in English and Korean.
 *
 * A template names its parameters in braces; `message()` checks at compile time that every
 * parameter is given, and the tests check that both languages have the same keys and the
 * same parameters.
 */

export type Language = "en" | "ko";

const en = {
    // Config: one sentence that names the key, the bad value and what is allowed.
    "config.invalid": "Config key {key} has the value {value}, which is not allowed: {allowed}.",
    "config.missing": "Config key {key} is not set: {allowed}.",
    "allowed.language": "use ko, en or auto (auto follows LANG: ko* is Korean, anything else English)",
    "allowed.region": "use an AWS region name such as ap-northeast-2",
    "allowed.availabilityZone": "leave it empty or use a zone of region {region}, such as {region}a",
    "allowed.cidr": "use an IPv4 CIDR block such as 10.0.0.0/16",
    "allowed.cidrHostBits": "the address must be the network address of the block, here {network}",
    "allowed.cidrPrefix": "use a block from /{min} to /{max}",
    "allowed.subnetInVpc": "the subnet must lie inside vpcCidr {vpcCidr}",
    "allowed.noOverlap": "it must not overlap {otherKey} {otherValue}",
    "allowed.adminCidr": "SSH and the Kubernetes API are never open to the world: use blocks of /8 or narrower, such as 203.0.113.7/32",
    "allowed.adminPath": "with detectAdminIp false, list at least one admin CIDR, or SSH and the Kubernetes API are reachable from nowhere",
    "allowed.integerRange": "use a whole number from {min} to {max}",
    "allowed.boolean": "use true or false",
    "allowed.stringList": "use a list of strings, for example [\"10.0.0.0/8\"]",
    "allowed.nodePort": "use a NodePort from 30000 to 32767",
    "allowed.distinctPort": "it must differ from {otherKey}",
    "allowed.instanceType": "use an EC2 instance type such as t3.large",
    "allowed.kubernetesVersion": "use one of {versions}: the kubeadm.k8s.io/v1beta4 config the lab renders needs 1.31 or later, and Calico {calico} is tested on these",
    "allowed.cni": "use one of {cnis}",
    "allowed.exposure": "use one of {modes}",
    "allowed.workload": "name a workload as namespace/name, such as monitoring/kube-prometheus-stack-prometheus",
    "allowed.tag": "use Key=Value with a key of 1 to 128 characters that does not start with aws: and is not one of Project, Stack, ManagedBy or Name, and a value of at most 256 characters",

    // Deploy-time checks.
    "publicIp.failed": "Could not detect the public IP of this machine ({reason}): set adminCidrs, or set detectAdminIp to false if adminCidrs already covers you.",
    "instance.memoryLow": "Instance type {instanceType} has {memoryGiB} GiB of memory; the {role} needs at least {minimumGiB} GiB and may run out of memory.",
    "instance.lookupFailed": "Could not look up the instance type {instanceType} given in {key} in {region} ({reason}): check that the type exists there, such as t3.large, and that AWS credentials are set.",
    "instance.noZone": "No availability zone of {region} offers both {controlPlaneType} and {workerType}: choose other instance types or another region.",
    // Cluster bootstrap, printed by the node scripts; {log} and {nodes} are filled on the node.
    "bootstrap.prepFailed": "Node {node} was not prepared: cloud-init or the preparation script failed; read {log} on that node.",
    "bootstrap.joinUnpinned": "The join command for {node} does not pin the cluster CA with a sha256 hash and a bootstrap token; refusing to join without verifying the control plane.",
    "bootstrap.notReady": "These nodes are not Ready after {seconds} seconds: {nodes}. Look at them with kubectl describe node, and on each node with journalctl -u kubelet.",

    "role.controlPlane": "control-plane node (control plane, Grafana and productpage)",
    "role.worker": "worker node",
} as const;

type Catalogue = { readonly [K in keyof typeof en]: string };

const ko: Catalogue = {
    "config.invalid": "설정 키 {key}의 값 {value}은(는) 허용되지 않습니다: {allowed}.",
    "config.missing": "설정 키 {key}이(가) 설정되지 않았습니다: {allowed}.",
    "allowed.language": "ko, en 또는 auto를 사용하세요 (auto는 LANG을 따르며 ko*이면 한국어, 그 외에는 영어)",
    "allowed.region": "ap-northeast-2 같은 AWS 리전 이름을 사용하세요",
    "allowed.availabilityZone": "비워 두거나 {region}a처럼 리전 {region}의 가용 영역을 사용하세요",
    "allowed.cidr": "10.0.0.0/16 같은 IPv4 CIDR 블록을 사용하세요",
    "allowed.cidrHostBits": "주소는 블록의 네트워크 주소여야 하며, 여기서는 {network}입니다",
    "allowed.cidrPrefix": "/{min}부터 /{max}까지의 블록을 사용하세요",
    "allowed.subnetInVpc": "서브넷은 vpcCidr {vpcCidr} 안에 있어야 합니다",
    "allowed.noOverlap": "{otherKey} {otherValue}와(과) 겹치면 안 됩니다",
    "allowed.adminCidr": "SSH와 Kubernetes API는 절대 전체 인터넷에 열지 않습니다: 203.0.113.7/32처럼 /8 이하 범위의 블록을 사용하세요",
    "allowed.adminPath": "detectAdminIp가 false이면 관리자 CIDR을 하나 이상 지정해야 합니다. 그렇지 않으면 SSH와 Kubernetes API에 어디서도 접근할 수 없습니다",
    "allowed.integerRange": "{min}부터 {max}까지의 정수를 사용하세요",
    "allowed.boolean": "true 또는 false를 사용하세요",
    "allowed.stringList": "[\"10.0.0.0/8\"]처럼 문자열 목록을 사용하세요",
    "allowed.nodePort": "30000부터 32767까지의 NodePort를 사용하세요",
    "allowed.distinctPort": "{otherKey}와(과) 달라야 합니다",
    "allowed.instanceType": "t3.large 같은 EC2 인스턴스 타입을 사용하세요",
    "allowed.kubernetesVersion": "{versions} 중 하나를 사용하세요: 실습 환경이 만드는 kubeadm.k8s.io/v1beta4 설정은 1.31 이상이 필요하고, Calico {calico}은(는) 이 버전들에서 검증되었습니다",
    "allowed.cni": "{cnis} 중 하나를 사용하세요",
    "allowed.exposure": "{modes} 중 하나를 사용하세요",
    "allowed.workload": "monitoring/kube-prometheus-stack-prometheus처럼 워크로드를 namespace/name 형식으로 지정하세요",
    "allowed.tag": "Key=Value 형식을 사용하세요. 키는 1~128자이고 aws:로 시작하지 않으며 Project, Stack, ManagedBy, Name이 아니어야 하고, 값은 256자 이하여야 합니다",

    "publicIp.failed": "이 머신의 공인 IP를 알아내지 못했습니다({reason}): adminCidrs를 설정하거나, adminCidrs에 이미 포함되어 있다면 detectAdminIp를 false로 설정하세요.",
    "instance.memoryLow": "인스턴스 타입 {instanceType}의 메모리는 {memoryGiB} GiB입니다. {role}에는 최소 {minimumGiB} GiB가 필요하며 메모리가 부족할 수 있습니다.",
    "instance.lookupFailed": "{key}에 지정한 인스턴스 타입 {instanceType}을(를) {region}에서 조회하지 못했습니다({reason}): t3.large처럼 그 리전에 있는 타입인지, AWS 자격 증명이 설정되어 있는지 확인하세요.",
    "instance.noZone": "{region}에는 {controlPlaneType}와(과) {workerType}을(를) 모두 제공하는 가용 영역이 없습니다: 다른 인스턴스 타입이나 리전을 선택하세요.",
    "bootstrap.prepFailed": "노드 {node}가 준비되지 않았습니다: cloud-init 또는 준비 스크립트가 실패했습니다. 그 노드에서 {log}을(를) 확인하세요.",
    "bootstrap.joinUnpinned": "{node}의 join 명령이 sha256 해시와 부트스트랩 토큰으로 클러스터 CA를 고정하지 않습니다. 컨트롤 플레인을 검증하지 않고는 조인하지 않습니다.",
    "bootstrap.notReady": "{seconds}초가 지나도 Ready가 아닌 노드: {nodes}. kubectl describe node로, 그리고 각 노드에서 journalctl -u kubelet으로 확인하세요.",

    "role.controlPlane": "컨트롤 플레인 노드(컨트롤 플레인, Grafana, productpage)",
    "role.worker": "워커 노드",
};

export const catalogue: Readonly<Record<Language, Catalogue>> = { en, ko };

export type MessageKey = keyof typeof en;

/** The parameter names a template mentions, as a union of string literal types. */
type ParamNames<S extends string> = S extends `${string}{${infer P}}${infer Rest}` ? P | ParamNames<Rest> : never;

export type MessageParams<K extends MessageKey> = { readonly [P in ParamNames<(typeof en)[K]>]: string | number };

/** `ko*` in LANG means Korean; anything else, or nothing, means English. */
export function languageFromEnv(lang: string | undefined = process.env.LANG): Language {
    return lang !== undefined && lang.toLowerCase().startsWith("ko") ? "ko" : "en";
}

/** A template without parameters takes none; one with parameters takes all of them. */
export type ParamsArg<K extends MessageKey> = ParamNames<(typeof en)[K]> extends never ? [] : [MessageParams<K>];

/** Fills a template of the catalogue in the given language. */
export function message<K extends MessageKey>(language: Language, key: K, ...params: ParamsArg<K>): string {
    const values: Readonly<Record<string, string | number>> = params[0] ?? {};
    return catalogue[language][key].replace(/\{(\w+)\}/g, (whole: string, name: string) =>
        name in values ? String(values[name]) : whole,
    );
}

export type Translate = <K extends MessageKey>(key: K, ...params: ParamsArg<K>) => string;

/** `message` with the language fixed. */
export function translator(language: Language): Translate {
    return (key, ...params) => message(language, key, ...params);
}

/** The parameter names of a template, for the tests that keep the languages in step. */
export function placeholders(template: string): string[] {
    return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
}
