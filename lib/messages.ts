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
    "allowed.language": "use ko, en or auto (auto: Korean on the nodes, and your locale in your terminal)",
    "allowed.region": "use an AWS region name such as ap-northeast-2",
    "allowed.availabilityZone": "leave it empty or use a zone of region {region}, such as {region}a",
    "allowed.cidr": "use an IPv4 CIDR block such as 10.0.0.0/16",
    "allowed.cidrHostBits": "the address must be the network address of the block, here {network}",
    "allowed.cidrPrefix": "use a block from /{min} to /{max}",
    "allowed.subnetInVpc": "the subnet must lie inside vpcCidr {vpcCidr}",
    "allowed.noOverlap": "it must not overlap {otherKey} {otherValue}",
    "allowed.adminCidr": "SSH and the Kubernetes API are never open to the world: use blocks of /8 or narrower, such as 203.0.113.7/32",
    "allowed.adminCidrTotal": "SSH and the Kubernetes API are never open to the world: the admin CIDRs together may cover at most {max} addresses, one /8's worth counting the address detectAdminIp adds",
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
    "allowed.repository": "use the GitHub repository as owner/name",
    "allowed.email": "use an email address",
    "allowed.githubId": "use the numeric ID GitHub gives it, as printed by gh api repos/OWNER/NAME --jq '.owner.id, .id'",
    "allowed.ciName": "use 1 to 100 letters, digits, dots, dashes or underscores",
    "allowed.tag": "use Key=Value with a key of 1 to 128 characters that does not start with aws: and is not one of Project, Stack, ManagedBy, LabId or Name, and a value of at most 256 characters",

    // Deploy-time checks.
    "publicIp.failed": "Could not detect the public IP of this machine ({reason}): set adminCidrs, or set detectAdminIp to false if adminCidrs already covers you.",
    "instance.memoryLow": "Instance type {instanceType} has {memoryGiB} GiB of memory; the {role} needs at least {minimumGiB} GiB and may run out of memory.",
    "instance.lookupFailed": "Could not look up the instance type {instanceType} given in {key} in {region} ({reason}): check that the type exists there, such as t3.large, and that AWS credentials are set.",
    "instance.noZone": "No availability zone of {region} offers both {controlPlaneType} and {workerType}: choose other instance types or another region.",
    "placement.unseen": "No chart or Bookinfo object matched {missing}, so nothing is pinned to the control-plane node or served there under that name: compare controlPlaneWorkloads with the names kubectl get deploy,sts,ds,svc -A lists, or, after a chart upgrade, the names the project expects.",
    // Cluster bootstrap, printed by the node scripts; {log} and {nodes} are filled on the node.
    "bootstrap.prepFailed": "Node {node} was not prepared: cloud-init or the preparation script failed; read {log} on that node.",
    "bootstrap.joinUnpinned": "The join of {node} does not pin the cluster CA with a sha256 hash and a bootstrap token; refusing to join without verifying the control plane.",
    "bootstrap.notReady": "These nodes are not Ready after {seconds} seconds: {nodes}. Look at them with kubectl describe node, and on each node with journalctl -u kubelet.",
    // Bookinfo traffic check, printed on the control-plane node; {ok} and {count} are filled there.
    // Alert annotations, in the cluster; {{ }} is Prometheus's template, filled when an alert fires.
    "alert.successRateLowSummary": "Bookinfo's {{ $labels.direction }} responses are failing fast enough to burn the 99.9% objective's error budget",
    "alert.successRateLowDescription": "More than 1.44% of the {{ $labels.direction }} responses of Bookinfo's pods failed over the last hour and over the last 5 minutes, for 10 minutes (Linkerd proxy metrics); outbound means a service behind productpage is failing even if the page still loads.",
    "alert.productpageNoReadyEndpointSummary": "productpage has no ready endpoint",
    "alert.productpageNoReadyEndpointDescription": "The productpage-v1 Deployment has had no ready replica, and so the productpage Service no ready endpoint, for 2 minutes: the product page cannot be served.",
    "alert.serviceNoReadyEndpointSummary": "Bookinfo's {{ $labels.app }} service has no ready endpoint",
    "alert.serviceNoReadyEndpointDescription": "No Deployment of {{ $labels.app }} has had a ready replica for 2 minutes, or none exists: the product page loads, but says {{ $labels.app }} is unavailable.",
    // Progress of the node scripts, printed on the node as "k8s-lab: <text>"; {name}s filled there.
    "node.cloudInitExit": "cloud-init finished with exit code {code}.",
    "node.prepAgain": "The node preparation did not finish; running it again.",
    "node.gaveUp": "Giving up after {attempts} attempts: {command}",
    "node.commandFailed": "'{command}' failed with exit code {code}; its last lines, from {log}:",
    "node.initKept": "The cluster is already initialised with this config.",
    "node.initChanged": "The kubeadm config changed; resetting the control plane for a new cluster.",
    "node.initInterrupted": "An earlier kubeadm init did not complete; resetting it and initialising again.",
    "node.initCompleted": "kubeadm init completed.",
    "node.calicoApplied": "Calico applied.",
    "node.tokenMalformed": "The bootstrap token for {node} is not six and sixteen lower-case letters or digits joined by a dot.",
    "node.tokenNotNeeded": "{node} is registered; its bootstrap token is no longer needed.",
    "node.staleNode": "Deleting node {node}, left by machine {owner}; {instance} joins under that name.",
    "node.tokenValid": "Bootstrap token {id} for {node} is valid for {ttl}.",
    "node.alreadyJoined": "{node} has already joined this cluster.",
    "node.nodeGone": "{node} has joined, but its Node object is gone; restarting the kubelet to register it again.",
    "node.resetWorker": "{node} was in another cluster or did not finish joining; resetting it.",
    "node.joined": "{node} joined.",
    "node.removedNode": "Deleting node {node}, which the lab no longer has.",
    "node.allReady": "Every node is Ready: {nodes}.",
    "node.trafficNotCreated": "Traffic check, attempt {attempt} of {attempts}: the Job was not created.",
    "node.trafficAttempt": "Traffic check, attempt {attempt} of {attempts} (Job {job}): {state}.",
    "node.trafficNotFinished": "not finished after {seconds} s",
    "bookinfo.trafficIncomplete": "The Bookinfo traffic check failed in all {attempts} attempts: in the last one, {ok} of {count} product pages were whole after the warm-up (the failed requests are listed above; requests its deadline cut off count as failed). Next: kubectl -n bookinfo get pods, and the logs of the pod that fails.",
    "bookinfo.trafficUnfinished": "The Bookinfo traffic check failed in all {attempts} attempts: in the last one, its Job gave no count within {seconds} s (its pod is listed above). Next: kubectl -n bookinfo describe jobs -l app=bookinfo-traffic-check.",
    "bookinfo.trafficNotCreated": "The Bookinfo traffic check failed in all {attempts} attempts: in the last one, its Job could not be created (kubectl's error is above). Next: kubectl get nodes, and kubectl -n bookinfo get jobs,pods.",

    // Access: one verdict each, with what to do next.
    "access.ok": "{target} answered in {ms} ms: {url}",
    "access.timeout": "{target} did not answer within {seconds} s at {url}. Next: check that the security group lets this machine reach the port and that the pod runs (kubectl get pods -A -o wide).",
    "access.refused": "{target} refused the connection at {url}: nothing listens on that port. Next: check how exposure {mode} serves it (kubectl get svc -A; in portForward mode, npx k8s-lab port-forward status).",
    "access.unreachable": "{target} is unreachable at {url} ({detail}). Next: check that the control-plane node runs and that this is its public IP (npx k8s-lab status).",
    "access.serverError": "{target} answered HTTP {status} at {url}: the app is up but failing. Next: read its pods' logs (kubectl logs).",
    "access.unexpectedStatus": "{target} answered at {url} with something else than expected ({detail}). Next: check that the port belongs to {target} (kubectl get svc -A).",
    "access.notProductPage": "{target} answered HTTP 200 at {url} but not a whole product page ({detail}): a service behind productpage is down. Next: kubectl -n bookinfo get pods.",
    "access.unauthorized": "{target} refused the admin credentials at {url}. Next: compare the Secret monitoring/grafana-admin with pulumi stack output --show-secrets grafanaAdminPassword.",
    "access.datasourceUnhealthy": "{target} answers at {url}, but its Prometheus datasource is unhealthy ({detail}), the field reports' plugin error. Next: check pod traffic between nodes and the Prometheus pod (kubectl -n monitoring get pods -o wide).",
    "access.reset": "{target} cut the connection in the middle of its answer at {url} ({detail}): the app, or what forwards to it, dropped it. Next: try again; if it repeats, read the pod's logs (in portForward mode, npx k8s-lab port-forward logs).",
    "access.noDatasource": "{target} answers at {url}, but has no datasource of type prometheus ({detail}). Next: check that Grafana's sidecar provisioned it (kubectl -n monitoring get configmaps -l grafana_datasource=1).",
    "access.slow": "{target} answered at {url}, but the whole check took {ms} ms, longer than the KPI allows: the port is reached, so another exposure would not help. Next: look at what slows it (kubectl top pods -A; the pod's logs).",
    "access.attempt": "Attempt {attempt}: {verdicts}",
    // A verdict's name where a line lists verdicts (an attempt, a fallback's reason); English keeps the codes.
    "verdict.ok": "ok",
    "verdict.timeout": "timeout",
    "verdict.slow": "slow",
    "verdict.refused": "refused",
    "verdict.unreachable": "unreachable",
    "verdict.reset": "reset",
    "verdict.serverError": "serverError",
    "verdict.unexpectedStatus": "unexpectedStatus",
    "verdict.notProductPage": "notProductPage",
    "verdict.unauthorized": "unauthorized",
    "verdict.noDatasource": "noDatasource",
    "verdict.datasourceUnhealthy": "datasourceUnhealthy",
    "access.verified": "Both URLs answer within the KPI after {attempts} attempts, with exposure {mode}.",
    "access.failed": "The URLs did not both answer within {seconds} s of retrying, with exposure {mode}.",
    "access.portForwardNoToken": "The Secret {name} in namespace {namespace} has had no ServiceAccount token for 60 s, so the port-forward service cannot log in. Next: check kubectl -n {namespace} describe secret {name} and the kube-controller-manager logs.",

    // The up command's fallback through the exposures.
    "fallback.apply": "Applying the stack with exposure {mode}.",
    "fallback.switch": "Exposure {from} did not serve both URLs ({reason}); switching to {to} and applying again.",
    "fallback.upFailed": "pulumi up failed with exposure {mode}: {reason}",
    "fallback.serving": "Exposure {mode} serves both URLs.",
    "fallback.exhausted": "No exposure served both URLs; tried {modes}.",
    "fallback.noSwitch": "Not switching from exposure {mode}: {reason} is not a network failure, and another exposure cannot change it.",
    "fallback.kept": "The lab keeps exposure {mode} until it is destroyed, although {configured} is configured; a new lab starts from {configured}.",
    "fallback.restore": "Applying the configured exposure {mode} again, so that the lab is left on it.",
    "fallback.badOverride": "The environment variable {variable} is {value}, which is not an exposure: use one of {modes}, or unset it.",

    // The operator CLI.
    "cli.usage": "Run k8s-lab --help for the commands and their options.",
    "cli.unknownCommand": "Unknown command or arguments: {command}.",
    "cli.noOutputs": "Could not read the outputs of stack {stack} ({reason}): has pulumi up run, from this project folder?",
    "cli.urls": "Bookinfo: {bookinfo}  Grafana: {grafana} (user admin; the password is printed by {passwordCommand})",
    "cli.cannotWrite": "Could not write {file} ({reason}): name a file in a folder you can write to.",
    "cli.kubeconfigWritten": "Wrote the kubeconfig to {file} (mode 600); use it with: export KUBECONFIG={file}",
    "cli.unknownNode": "There is no node {node}; the nodes are {nodes}.",
    "cli.portForwardAction": "port-forward takes one action: {actions}; run k8s-lab help port-forward for its usage.",
    "cli.notPortForward": "The port-forward service exists only with exposure portForward; this stack uses {mode}.",
    "cli.diagnoseWritten": "Collected the logs of {count} nodes into {file}.",
    "cli.nodeStatus": "Nodes: {nodes}",
    "cli.awsFailed": "AWS could not be asked ({reason}): check the AWS credentials and AWS_REGION.",
    "cli.sweepNone": "Nothing tagged Project={project}, Stack={stack}, LabId={labId} is left.",
    "cli.sweepFound": "{count} resources tagged Project={project}, Stack={stack}, LabId={labId} are left: {list}. Run sweep --delete to delete them in dependency order.",
    "cli.sweepNoLabId": "Nothing was swept: stack {stack} has no LabId in its state, and without it this lab cannot be told apart from another of the same name. Set LAB_ID to the value pulumi stack output labId printed before the destroy.",
    "cli.sweepDeleted": "Deleted {count} resources: {list}.",
    "cli.sweepFailed": "Could not delete {resource}: {reason}",
    "cli.unknownOption": "{command} has no option {option}; run k8s-lab help {command} for its usage.",
    "cli.extraArgument": "{command} does not take the argument {argument}; run k8s-lab help {command} for its usage.",
    "cli.optionValue": "The option {option} of {command} needs a value; run k8s-lab help {command} for its usage.",
    "cli.badRetry": "--retry takes whole seconds from 0 to 3600, not {value}.",
    "cli.noJson": "{command} has no --json output: it opens an interactive session.",
    "cli.internal": "k8s-lab failed unexpectedly ({reason}); this is a bug: run it again, and if it repeats, file an issue with this line.",
    "cli.pulumiMissing": "The Pulumi CLI cannot be run ({reason}): k8s-lab up installs it, or install it yourself (README, Prerequisites).",
    "cli.passphraseMissing": "The stack's secrets cannot be decrypted: set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE to the stack's passphrase.",
    "cli.upFailed": "pulumi up failed with exposure {mode}: {reason}. Next: fix that resource and run k8s-lab up again (k8s-lab diagnose collects the nodes' logs).",
    "cli.nodesUnknown": "Nodes: unknown, this machine cannot reach the control-plane node ({reason}); check that this machine's address is in adminCidrs.",
    "cli.diagnoseNode": "{node}: collected.",
    "cli.diagnoseNodeFailed": "{node}: not collected ({reason}).",
    "cli.diagnoseNodePartial": "{node}: collected, except {missing}.",
    // What diagnose.sh could not collect on a node, as the CLI prints it.
    "diagnose.exit": "{what} (exit {code})",
    "diagnose.unreadable": "{what} (not readable)",
    "diagnose.noApi": "the cluster's view through the API (the API server does not answer)",
    "cli.diagnoseSummary": "Wrote {file}: the logs of {collected} of {count} nodes.",
    "cli.sshFailed": "SSH to {node} failed ({reason}): check that the node runs and that this machine's address is in adminCidrs (k8s-lab status).",
    "help.main": "k8s-lab: the operator's command line of the k8s-lab stack.\n\nUsage: k8s-lab <command> [options]\n\nCommands:\n  up                 apply the stack, prove both URLs, and switch exposure when only the network fails\n  verify             prove both URLs from this machine\n  status             each URL's verdict and each node's readiness\n  urls               the Bookinfo and Grafana URLs\n  ssh [node]         SSH to a node (the control-plane node by default)\n  kubeconfig [file]  write the admin kubeconfig, mode 600\n  port-forward <action>  start, stop, restart, status or logs of the port-forward services\n  diagnose [file]    collect every node's logs into one archive\n  sweep              list what a destroy left behind (--delete deletes it)\n  destroy            destroy the lab's cloud resources (it costs money while it runs)\n  env                the shell exports for plain pulumi commands on this stack\n  version            k8s-lab's and the pinned Pulumi CLI's versions\n  help [command]     this help, or a command's\n\nEvery command takes --stack, -s <name> (default: PULUMI_STACK, else your personal stack, named after your login) and --help, -h.\n--json prints one JSON document on stdout; messages go to stderr.\nExit codes: 0 done, 1 unhealthy, 2 usage, 3 prerequisite missing, 4 remote failure, 5 cloud failure, 6 internal error.",
    "help.up": "Usage: k8s-lab up [--policy-pack <dir>] [--retry <seconds>] [--json]\n\nApplies the stack with the policy pack, proves both URLs from this machine, and when the access check is the only failure and its verdicts are network ones (timeout, refused, unreachable), applies again with the next exposure. A lab keeps the exposure that serves it until it is destroyed.\n\n  --policy-pack <dir>  the policy pack to run (default: the repository's policy/)\n  --retry <seconds>    how long to retry the check after a failed access check (default 0)\n  --json               the report as JSON on stdout",
    "help.verify": "Usage: k8s-lab verify [--retry <seconds>] [--json]\n\nProves both URLs from this machine: the whole product page, and Grafana's login and healthy Prometheus datasource, each within 10 s. Each attempt is shown on stderr.\n\n  --retry <seconds>  keep trying that long (default 0: one attempt)\n  --json             the verdicts as JSON on stdout",
    "help.status": "Usage: k8s-lab status [--json]\n\nEach URL's verdict, and each node's readiness (Unknown when this machine cannot reach the control-plane node).",
    "help.urls": "Usage: k8s-lab urls [--json]\n\nThe Bookinfo and Grafana URLs, and how to print Grafana's admin password.",
    "help.ssh": "Usage: k8s-lab ssh [node]\n\nOpens SSH to a node with the lab's key: the control-plane node by default, a worker through it. No --json: the session is interactive.",
    "help.kubeconfig": "Usage: k8s-lab kubeconfig [file] [--json]\n\nWrites the admin kubeconfig, mode 600 (default: ~/.kube/k8s-lab-<stack>).",
    "help.portForward": "Usage: k8s-lab port-forward start|stop|restart|status|logs [--json]\n\nDrives the port-forward services on the control-plane node (exposure portForward only).",
    "help.diagnose": "Usage: k8s-lab diagnose [file] [--json]\n\nCollects every node's logs into one .tar.gz archive, secrets redacted, and says per node what it could not collect.",
    "help.sweep": "Usage: k8s-lab sweep [--delete] [--json]\n\nLists the AWS resources tagged with the lab's Project, Stack and LabId that are left (LAB_ID, else the stack's output); --delete deletes them in dependency order.",
    "setup.installing": "No Pulumi CLI on PATH: installing Pulumi {version} into {dir}, for k8s-lab's own use.",
    "setup.installFailed": "Could not install the Pulumi CLI ({reason}): install it yourself (README, Prerequisites) and run k8s-lab up again.",
    "setup.localBackend": "No Pulumi backend is configured: the state is kept on this machine, in {dir} (pulumi login chooses another).",
    "setup.passphraseAsk": "Passphrase for the secrets of stack {stack} (kept for the next runs): ",
    "setup.passphraseKept": "The passphrase of stack {stack} is kept in {file} (mode 600); keep a copy: the state cannot be decrypted without it.",
    "setup.stackCreated": "Created stack {stack}, your own lab (the CI's is dev); --stack or PULUMI_STACK picks another.",
    "up.phase": "[{elapsed}] {phase}",
    "phase.network": "network",
    "phase.nodes": "nodes",
    "phase.bootstrap": "bootstrap",
    "phase.platform": "platform",
    "phase.verification": "verification",
    "cli.policyPackMissing": "The policy pack cannot run: the folder {dir} needs PulumiPolicy.yaml and its installed node_modules; install it with npm ci --prefix policy, or pass --policy-pack with the folder of an installed pack.",
    "help.destroy": "Usage: k8s-lab destroy [--json]\n\nDestroys the stack's cloud resources (pulumi destroy on the stack, backend and passphrase up used); the stack and its config stay for the next up. Then k8s-lab sweep lists anything left behind. Ctrl-C cancels cleanly; a second Ctrl-C quits at once.",
    "help.env": "Usage: k8s-lab env [--json]\n\nPrints the shell exports that make plain pulumi commands work on this stack: PULUMI_STACK, PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE_FILE, and the folder of the Pulumi CLI up installed on PATH. Use: eval \"$(npx --no k8s-lab env)\"",
    "help.version": "Usage: k8s-lab version [--json] (or k8s-lab --version)\n\nPrints k8s-lab's version and the Pulumi CLI version up installs.",
    "cli.version": "k8s-lab {version} (Pulumi CLI {pulumi})",
    "cli.destroyed": "Destroyed the cloud resources of stack {stack}; k8s-lab sweep lists anything a destroy left behind.",
    "cli.destroyNoStack": "There is no stack {stack} on this backend, so there is nothing to destroy; --stack or PULUMI_STACK picks another.",
    "cli.destroyFailed": "pulumi destroy of stack {stack} failed ({reason}): run k8s-lab destroy again; k8s-lab sweep lists what is left.",
    "cli.destroyCancelled": "The destroy of stack {stack} was cancelled: some resources still run and cost money; run k8s-lab destroy again.",
    "cli.cancelling": "Cancelling: pulumi is finishing the operations it started, so that the state keeps no pending operation and no lock. Press Ctrl-C again to quit at once.",
    "cli.setupFailed": "Could not get stack {stack} ready for up ({reason}).",
    "cli.stackFileInvalid": "The stack file {file} cannot be read ({reason}): fix its YAML.",
    "cli.cannotWriteFolder": "Cannot write in {dir} ({reason}): k8s-lab needs a folder it can write to there (check its permissions, or set TMPDIR).",
    "cli.optionNoValue": "The option {option} of {command} takes no value; run k8s-lab help {command} for its usage.",
    "cli.exposureOverrideIgnored": "K8S_LAB_EXPOSURE={value} is ignored: only k8s-lab up sets it for one run; unset it (the exposure is the config key k8s-lab:exposure).",

    // The policy pack: policy/messages.ts is generated from these (policy/generate.ts).
    "policy.worldIngress": "{resource} opens {traffic} to {cidr}; only TCP {allowed} may be open to the world.",
    "policy.worldUnknownPorts": "{resource} opens ports that are not known yet to {cidr}; only TCP {allowed} may be open to the world.",
    "policy.worldAdmin": "{resource} opens port {port} ({what}) to {cidr}: SSH and the Kubernetes API are never open to the world, whatever the pack's settings.",
    "policy.worldTogether": "The rules {rules} of security group {group} together open {traffic} to more {family} addresses than a {widest} holds, the widest source allowed; only TCP {allowed} may be open to the world.",
    "policy.widePrefixList": "The rules {rules} of security group {group} open {traffic} to {cidr} through prefix list {list}; only TCP {allowed} may be open to the world.",
    "policy.allTraffic": "every protocol and port",
    "policy.imdsv2": "{resource} does not require IMDSv2: set metadataOptions.httpTokens to required, or httpEndpoint to disabled.",
    "policy.imdsv2LaunchSpecification": "{resource} launches instances from launchSpecifications, which cannot require IMDSv2: use launchTemplateConfigs with a launch template that does.",
    "policy.unencrypted": "{resource} has an unencrypted volume ({volume}): set encrypted to true.",
    "policy.instanceType": "{resource} uses instance type {instanceType}, which is not allowed (cost); allowed: {allowed}.",
    "policy.instanceTypeMissing": "{resource} names no instance type, so the allow-list cannot be checked: set instanceType to one of {allowed}.",
    "policy.instanceRequirements": "{resource} lets AWS pick instance types by attributes (instanceRequirements), which the allow-list cannot check: name types from {allowed}.",
    "policy.noTypeAllowed": "{resource} cannot be checked: the pack's settings (allowedInstanceTypes) name no type of the allow-list ({types}), so no instance type is allowed.",
    "policy.tags": "{resource} lacks the tags {missing}, from its own tags or its provider's default tags.",
    "policy.tagsOwn": "{resource} lacks the tags {missing} in its own tags (the provider's default tags do not reach an auto-scaling group).",
    "policy.loadBalancer": "{resource} asks for a LoadBalancer Service ({where}), which would create an AWS load balancer that destroy leaves behind: use NodePort.",
    "policy.valuesFile": "{resource} takes chart values from {file}, which the pack cannot read, so it cannot tell whether they ask for a LoadBalancer Service: pass them as values, or check the file yourself.",

    // The cost table (npm run cost, the READMEs): a Markdown table, then one line of provenance.
    "cost.header": "| resource | price | a workday ({hours} h) | a month ({days} workdays) |",
    "cost.controlPlane": "control-plane node, {type}, on-demand",
    "cost.workersSpot": "workers, {count} × {type}, spot",
    "cost.workersOnDemand": "workers, {count} × {type}, on-demand",
    "cost.natInstance": "NAT instance, {type}, on-demand",
    "cost.natGateway": "NAT gateway",
    "cost.natGatewayData": "NAT gateway data processing, about {gb} GB of packages and images",
    "cost.addressesNatInstance": "{count} public IPv4 addresses (control-plane node, NAT instance)",
    "cost.addressesNatGateway": "{count} public IPv4 addresses (control-plane node, NAT gateway)",
    "cost.volumes": "encrypted gp3 root volumes, {sizes}",
    "cost.total": "**total**",
    "cost.provenance": "Prices for {region} as read on {date} (lib/prices.ts; spot prices change daily and are not a quote); hours from the schedule in .github/workflows/daily.yml: up at {up} UTC, destroyed at {down} UTC, {days} days a week.",
    "cost.unknownRegion": "lib/prices.ts has no prices for region {region} (it has {regions}), so there is no cost table rather than a guess.",
    "cost.unknownPrice": "lib/prices.ts has no {capacity} price for {type} in {region}, so there is no cost table rather than a guess.",
    "cost.capacitySpot": "spot",
    "cost.capacityOnDemand": "on-demand",
    "role.controlPlane": "control-plane node (control plane, Grafana and productpage)",
    "role.worker": "worker node",
} as const;

type Catalogue = { readonly [K in keyof typeof en]: string };

const ko: Catalogue = {
    "config.invalid": "{key} 설정 키에 지정한 {value} 값은 허용되지 않습니다: {allowed}.",
    "config.missing": "{key} 설정 키에 값이 없습니다: {allowed}.",
    "allowed.language": "ko, en, auto 중 하나를 사용하세요 (auto는 노드에서는 한국어, 터미널에서는 로캘을 따릅니다)",
    "allowed.region": "ap-northeast-2 같은 AWS 리전 이름을 사용하세요",
    "allowed.availabilityZone": "비워 두거나 {region} 리전의 가용 영역을 사용하세요(예: {region}a)",
    "allowed.cidr": "10.0.0.0/16 같은 IPv4 CIDR 블록을 사용하세요",
    "allowed.cidrHostBits": "주소는 블록의 네트워크 주소여야 하며, 여기서는 {network}입니다",
    "allowed.cidrPrefix": "/{min}부터 /{max}까지의 블록을 사용하세요",
    "allowed.subnetInVpc": "서브넷은 vpcCidr {vpcCidr} 안에 있어야 합니다",
    "allowed.noOverlap": "{otherKey} 키의 {otherValue} 블록과 겹치면 안 됩니다",
    "allowed.adminCidr": "SSH와 Kubernetes API는 절대 인터넷 전체에 열지 않습니다: 203.0.113.7/32처럼 /8보다 좁거나 같은 블록(접두사 길이 8 이상)을 사용하세요",
    "allowed.adminCidrTotal": "SSH와 Kubernetes API는 절대 인터넷 전체에 열지 않습니다: 관리자 CIDR은 합쳐서 주소 {max}개까지만 포함할 수 있습니다(/8 대역 하나 크기이며 detectAdminIp로 추가되는 주소도 셉니다)",
    "allowed.adminPath": "detectAdminIp가 false이면 관리자 CIDR을 하나 이상 지정해야 합니다. 그렇지 않으면 SSH와 Kubernetes API에 어디서도 접근할 수 없습니다",
    "allowed.integerRange": "{min}부터 {max}까지의 정수를 사용하세요",
    "allowed.boolean": "true 또는 false를 사용하세요",
    "allowed.stringList": "[\"10.0.0.0/8\"]처럼 문자열 목록을 사용하세요",
    "allowed.nodePort": "30000부터 32767까지의 NodePort를 사용하세요",
    "allowed.distinctPort": "{otherKey} 키의 포트와 달라야 합니다",
    "allowed.instanceType": "t3.large 같은 EC2 인스턴스 타입을 사용하세요",
    "allowed.kubernetesVersion": "{versions} 중 하나를 사용하세요: 실습 환경이 만드는 kubeadm.k8s.io/v1beta4 설정에는 1.31 이상이 필요하고, Calico {calico} 버전은 이 버전들에서 검증되었습니다",
    "allowed.cni": "{cnis} 중 하나를 사용하세요",
    "allowed.exposure": "{modes} 중 하나를 사용하세요",
    "allowed.workload": "monitoring/kube-prometheus-stack-prometheus처럼 워크로드를 namespace/name 형식으로 지정하세요",
    "allowed.repository": "GitHub 저장소를 owner/name 형식으로 지정하세요",
    "allowed.email": "이메일 주소를 사용하세요",
    "allowed.githubId": "GitHub가 부여한 숫자 ID를 사용하세요. gh api repos/OWNER/NAME --jq '.owner.id, .id'로 확인할 수 있습니다",
    "allowed.ciName": "영문자, 숫자, 점, 대시, 밑줄로 1~100자를 사용하세요",
    "allowed.tag": "Key=Value 형식을 사용하세요. 키는 1~128자이고 aws:로 시작하지 않으며 Project, Stack, ManagedBy, LabId, Name이 아니어야 하고, 값은 256자 이하여야 합니다",

    "publicIp.failed": "이 머신의 공인 IP를 알아내지 못했습니다({reason}): adminCidrs를 설정하거나, adminCidrs에 이미 포함되어 있다면 detectAdminIp를 false로 설정하세요.",
    "instance.memoryLow": "{instanceType} 인스턴스 타입의 메모리는 {memoryGiB} GiB입니다. {role} 용도로는 최소 {minimumGiB} GiB가 필요하므로 메모리가 부족할 수 있습니다.",
    "instance.lookupFailed": "{key} 키에 지정한 {instanceType} 인스턴스 타입을 {region} 리전에서 조회하지 못했습니다({reason}): t3.large처럼 그 리전에 있는 타입인지, AWS 자격 증명이 설정되어 있는지 확인하세요.",
    "instance.noZone": "{region} 리전에는 {controlPlaneType} 타입과 {workerType} 타입을 모두 제공하는 가용 영역이 없습니다: 다른 인스턴스 타입이나 리전을 선택하세요.",
    "placement.unseen": "다음 이름과 일치하는 객체가 차트와 Bookinfo 어디에도 없어서 그 이름으로는 아무것도 컨트롤 플레인 노드에 고정되거나 그곳에서 제공되지 않았습니다({missing}): controlPlaneWorkloads를 kubectl get deploy,sts,ds,svc -A가 보여 주는 이름과 비교하거나, 차트를 올린 뒤라면 이 프로젝트가 기대하는 이름을 확인하세요.",
    "bootstrap.prepFailed": "{node} 노드가 준비되지 않았습니다: cloud-init 또는 준비 스크립트가 실패했습니다. 그 노드에서 {log} 파일을 확인하세요.",
    "bootstrap.joinUnpinned": "{node} 노드의 조인 정보가 sha256 해시와 부트스트랩 토큰으로 클러스터 CA를 고정하지 않습니다. 컨트롤 플레인을 검증하지 않고는 조인하지 않습니다.",
    "bootstrap.notReady": "{seconds}초가 지나도 Ready가 아닌 노드: {nodes}. kubectl describe node로, 그리고 각 노드에서 journalctl -u kubelet으로 확인하세요.",
    "alert.successRateLowSummary": "Bookinfo {{ $labels.direction }} 방향 응답의 실패율이 99.9% 목표의 오류 예산을 빠르게 소진하고 있습니다",
    "alert.successRateLowDescription": "지난 1시간과 지난 5분 모두 Bookinfo 파드의 {{ $labels.direction }} 방향 응답 가운데 1.44% 넘게 실패한 상태가 10분 동안 이어졌습니다(Linkerd 프록시 메트릭). outbound 방향이면 페이지가 열려도 productpage 뒤의 서비스가 실패하고 있습니다.",
    "alert.productpageNoReadyEndpointSummary": "productpage에 준비된 엔드포인트가 없습니다",
    "alert.productpageNoReadyEndpointDescription": "productpage-v1 디플로이먼트에 2분 동안 준비된 레플리카가 없고, productpage 서비스에도 준비된 엔드포인트가 없어 상품 페이지를 제공할 수 없습니다.",
    "alert.serviceNoReadyEndpointSummary": "Bookinfo {{ $labels.app }} 서비스에 준비된 엔드포인트가 없습니다",
    "alert.serviceNoReadyEndpointDescription": "{{ $labels.app }} 서비스의 디플로이먼트에 2분 동안 준비된 레플리카가 없거나 디플로이먼트가 없습니다. 상품 페이지는 열리지만 {{ $labels.app }} 서비스를 쓸 수 없다고 표시합니다.",
    "node.cloudInitExit": "cloud-init이 끝났습니다(종료 코드: {code}).",
    "node.prepAgain": "노드 준비가 끝나지 않아 다시 실행합니다.",
    "node.gaveUp": "{attempts}번 시도한 끝에 포기합니다: {command}",
    "node.commandFailed": "'{command}' 명령이 실패했습니다(종료 코드: {code}). {log} 파일의 마지막 줄입니다:",
    "node.initKept": "이 설정으로 클러스터가 이미 초기화되어 있습니다.",
    "node.initChanged": "kubeadm 설정이 바뀌었습니다. 새 클러스터를 만들기 위해 컨트롤 플레인을 reset합니다.",
    "node.initInterrupted": "이전 kubeadm init이 끝나지 않았습니다. reset한 뒤 다시 초기화합니다.",
    "node.initCompleted": "kubeadm init을 마쳤습니다.",
    "node.calicoApplied": "Calico를 적용했습니다.",
    "node.tokenMalformed": "{node} 노드의 부트스트랩 토큰 형식이 잘못되었습니다. 영문 소문자와 숫자 6자와 16자를 점으로 이어야 합니다.",
    "node.tokenNotNeeded": "{node} 노드가 등록되었으므로 부트스트랩 토큰은 더 이상 필요하지 않습니다.",
    "node.staleNode": "{owner} 머신이 남긴 {node} 노드를 지웁니다. {instance} 인스턴스가 그 이름으로 조인합니다.",
    "node.tokenValid": "{node} 노드의 부트스트랩 토큰 {id}: 지금부터 {ttl} 동안 유효합니다.",
    "node.alreadyJoined": "{node} 노드는 이미 이 클러스터에 조인했습니다.",
    "node.nodeGone": "{node} 노드는 조인했지만 Node 객체가 없습니다. 다시 등록하도록 kubelet을 재시작합니다.",
    "node.resetWorker": "{node} 노드가 다른 클러스터에 속해 있었거나 조인을 마치지 못했습니다. reset합니다.",
    "node.joined": "{node} 노드가 조인했습니다.",
    "node.removedNode": "실습 환경에 더 이상 없는 {node} 노드를 지웁니다.",
    "node.allReady": "모든 노드가 Ready입니다: {nodes}.",
    "node.trafficNotCreated": "트래픽 확인 {attempt}/{attempts}회차: Job을 만들지 못했습니다.",
    "node.trafficAttempt": "트래픽 확인 {attempt}/{attempts}회차(Job: {job}): {state}.",
    "node.trafficNotFinished": "{seconds}초 안에 끝나지 않음",
    "bookinfo.trafficIncomplete": "Bookinfo 트래픽 확인이 {attempts}번의 시도에서 모두 실패했습니다. 마지막 시도에서는 워밍업 뒤 상품 페이지 {count}개 중 완전한 페이지가 {ok}개뿐이었습니다(실패한 요청은 위에 있고, 제한 시간 때문에 보내지 못한 요청도 실패로 셉니다). kubectl -n bookinfo get pods로 파드를 확인하고, 실패하는 파드의 로그를 읽어 보세요.",
    "bookinfo.trafficUnfinished": "Bookinfo 트래픽 확인이 {attempts}번의 시도에서 모두 실패했습니다. 마지막 시도에서는 확인 Job이 {seconds}초 안에 결과를 내지 못했습니다(파드 상태는 위에 있습니다). kubectl -n bookinfo describe jobs -l app=bookinfo-traffic-check로 원인을 확인하세요.",
    "bookinfo.trafficNotCreated": "Bookinfo 트래픽 확인이 {attempts}번의 시도에서 모두 실패했습니다. 마지막 시도에서는 확인 Job을 만들지 못했습니다(kubectl 오류는 위에 있습니다). kubectl get nodes와 kubectl -n bookinfo get jobs,pods로 상태를 확인하세요.",

    "access.ok": "{target} 응답 시간 {ms} ms: {url}",
    "access.timeout": "{target} 서비스가 {seconds}초 안에 응답하지 않았습니다({url}). 보안 그룹이 이 머신에서 그 포트로 들어오는 접속을 허용하는지, 파드가 실행 중인지 확인하세요(kubectl get pods -A -o wide).",
    "access.refused": "{target} 서비스가 연결을 거부했습니다({url}). 그 포트에서 연결을 기다리는(LISTEN) 프로세스가 없습니다. {mode} 노출 방식이 그 포트를 어떻게 제공하는지 확인하세요(kubectl get svc -A, portForward 방식이면 npx k8s-lab port-forward status).",
    "access.unreachable": "{target} 서비스에 접속할 수 없습니다({url}, {detail}). 컨트롤 플레인 노드가 실행 중인지, 이 주소가 그 노드의 공인 IP가 맞는지 확인하세요(npx k8s-lab status).",
    "access.serverError": "{target} 서비스가 오류 코드(HTTP {status})로 응답했습니다({url}). 앱은 떠 있지만 요청을 처리하지 못하고 있습니다. 파드 로그를 확인하세요(kubectl logs).",
    "access.unexpectedStatus": "{target} 서비스가 예상과 다르게 응답했습니다({url}, {detail}). 그 포트가 정말 {target} 서비스의 포트인지 확인하세요(kubectl get svc -A).",
    "access.notProductPage": "{target} 서비스가 HTTP 200으로 응답했지만 완전한 상품 페이지가 아닙니다({url}, {detail}). productpage 뒤의 서비스 중 하나가 내려가 있습니다. kubectl -n bookinfo get pods로 확인하세요.",
    "access.unauthorized": "{target} 서비스가 관리자 자격 증명을 거부했습니다({url}). Secret monitoring/grafana-admin의 값과 pulumi stack output --show-secrets grafanaAdminPassword 출력을 비교하세요.",
    "access.datasourceUnhealthy": "{target} 서비스는 응답하지만 Prometheus 데이터 소스가 비정상입니다({url}, {detail}). 현장 보고서의 plugin error와 같은 증상입니다. 노드 간 파드 통신과 Prometheus 파드를 확인하세요(kubectl -n monitoring get pods -o wide).",
    "access.reset": "{target} 서비스가 응답 도중에 연결을 끊었습니다({url}, {detail}). 앱이나 앱으로 전달하는 쪽에서 연결이 끊겼습니다. 다시 시도해 보고, 반복되면 파드 로그를 확인하세요(portForward 방식이면 npx k8s-lab port-forward logs).",
    "access.noDatasource": "{target} 서비스는 응답하지만 prometheus 유형의 데이터 소스가 없습니다({url}, {detail}). Grafana 사이드카가 데이터 소스를 만들었는지 확인하세요(kubectl -n monitoring get configmaps -l grafana_datasource=1).",
    "access.slow": "{target} 서비스가 응답했지만 전체 검사에 {ms} ms가 걸려 KPI 기준보다 느립니다({url}). 포트에는 접속되므로 다른 노출 방식으로 바꿔도 나아지지 않습니다. 느려진 원인을 확인하세요(kubectl top pods -A, 파드 로그).",
    "access.attempt": "시도 {attempt}: {verdicts}",
    "verdict.ok": "정상",
    "verdict.timeout": "시간 초과",
    "verdict.slow": "느림",
    "verdict.refused": "연결 거부",
    "verdict.unreachable": "접속 불가",
    "verdict.reset": "연결 끊김",
    "verdict.serverError": "서버 오류",
    "verdict.unexpectedStatus": "예상과 다른 응답",
    "verdict.notProductPage": "불완전한 상품 페이지",
    "verdict.unauthorized": "자격 증명 거부",
    "verdict.noDatasource": "데이터 소스 없음",
    "verdict.datasourceUnhealthy": "데이터 소스 비정상",
    "access.verified": "{attempts}번의 시도 끝에 두 URL 모두 KPI 안에 응답합니다. 노출 방식: {mode}.",
    "access.failed": "{seconds}초 동안 재시도했지만 두 URL이 모두 응답하지는 않았습니다. 노출 방식: {mode}.",
    "access.portForwardNoToken": "60초가 지나도 {namespace} 네임스페이스의 {name} Secret에 ServiceAccount 토큰이 생기지 않아 port-forward 서비스가 로그인할 수 없습니다. kubectl -n {namespace} describe secret {name} 결과와 kube-controller-manager 로그를 확인하세요.",

    "fallback.apply": "{mode} 노출 방식으로 스택을 적용합니다.",
    "fallback.switch": "{from} 노출 방식으로는 두 URL을 모두 제공하지 못했습니다({reason}). {to} 방식으로 전환해 다시 적용합니다.",
    "fallback.upFailed": "{mode} 노출 방식에서 pulumi up이 실패했습니다: {reason}",
    "fallback.serving": "{mode} 노출 방식으로 두 URL을 모두 제공합니다.",
    "fallback.exhausted": "두 URL을 모두 제공한 노출 방식이 없습니다. 시도한 방식: {modes}.",
    "fallback.noSwitch": "{mode} 노출 방식에서 전환하지 않습니다. 확인 결과({reason})는 네트워크 문제가 아니어서 노출 방식을 바꿔도 달라지지 않습니다.",
    "fallback.kept": "설정된 방식은 {configured} 방식이지만, 이 실습 환경은 삭제될 때까지 {mode} 노출 방식을 유지합니다. 새 실습 환경은 {configured} 방식으로 시작합니다.",
    "fallback.restore": "실습 환경을 설정된 방식에 두도록 {mode} 노출 방식으로 다시 적용합니다.",
    "fallback.badOverride": "환경 변수 {variable} 값이 노출 방식이 아닙니다({value}). {modes} 중 하나를 지정하거나 변수를 지우세요.",

    "cli.usage": "명령과 옵션은 k8s-lab --help로 확인하세요.",
    "cli.unknownCommand": "알 수 없는 명령 또는 인자: {command}.",
    "cli.noOutputs": "{stack} 스택의 출력을 읽지 못했습니다({reason}). 이 프로젝트 폴더에서 pulumi up을 실행한 적이 있는지 확인하세요.",
    "cli.urls": "Bookinfo: {bookinfo}  Grafana: {grafana} (사용자 admin, 비밀번호 확인: {passwordCommand})",
    "cli.cannotWrite": "{file} 파일을 쓸 수 없습니다({reason}). 쓰기 권한이 있는 폴더의 파일을 지정하세요.",
    "cli.kubeconfigWritten": "kubeconfig를 {file} 파일에 저장했습니다(권한 600). 사용하려면 다음을 실행하세요: export KUBECONFIG={file}",
    "cli.unknownNode": "{node} 노드는 없습니다. 노드 목록: {nodes}.",
    "cli.portForwardAction": "port-forward 명령에는 동작 하나를 지정하세요: {actions}. 사용법을 보려면 k8s-lab help port-forward 명령을 실행하세요.",
    "cli.notPortForward": "port-forward 서비스는 노출 방식이 portForward일 때만 있습니다. 이 스택의 방식: {mode}.",
    "cli.diagnoseWritten": "노드 {count}대의 로그를 {file} 파일에 모았습니다.",
    "cli.nodeStatus": "노드: {nodes}",
    "cli.awsFailed": "AWS에 요청하지 못했습니다({reason}): AWS 자격 증명과 AWS_REGION을 확인하세요.",
    "cli.sweepNone": "Project={project}, Stack={stack}, LabId={labId} 태그가 붙은 것은 남아 있지 않습니다.",
    "cli.sweepFound": "Project={project}, Stack={stack}, LabId={labId} 태그가 붙은 리소스 {count}개가 남아 있습니다: {list}. sweep --delete로 의존 순서대로 삭제하세요.",
    "cli.sweepNoLabId": "아무것도 정리하지 않았습니다. {stack} 스택의 상태에 LabId가 없어서 이름이 같은 다른 실습 환경과 구별할 수 없습니다. 삭제 전에 pulumi stack output labId로 확인한 값을 LAB_ID에 지정하세요.",
    "cli.sweepDeleted": "리소스 {count}개를 삭제했습니다: {list}.",
    "cli.sweepFailed": "{resource} 리소스를 삭제하지 못했습니다: {reason}",
    "cli.unknownOption": "{command} 명령에는 {option} 옵션이 없습니다. 사용법을 보려면 k8s-lab help {command} 명령을 실행하세요.",
    "cli.extraArgument": "{command} 명령은 {argument} 인자를 받지 않습니다. 사용법을 보려면 k8s-lab help {command} 명령을 실행하세요.",
    "cli.optionValue": "{command} 명령의 {option} 옵션에는 값이 필요합니다. 사용법을 보려면 k8s-lab help {command} 명령을 실행하세요.",
    "cli.badRetry": "--retry 옵션에는 0부터 3600까지의 초 단위 정수를 지정하세요(지정한 값: {value}).",
    "cli.noJson": "{command} 명령은 대화형 세션을 열기 때문에 --json 출력이 없습니다.",
    "cli.internal": "k8s-lab 실행 중 예기치 않은 오류가 발생했습니다({reason}). 버그이니 다시 실행해 보고, 반복되면 이 줄을 붙여 이슈를 등록하세요.",
    "cli.pulumiMissing": "Pulumi CLI를 실행할 수 없습니다({reason}). k8s-lab up을 실행하면 설치되며, 직접 설치해도 됩니다(README의 준비물 참고).",
    "cli.passphraseMissing": "스택의 비밀 값을 복호화할 수 없습니다. PULUMI_CONFIG_PASSPHRASE 또는 PULUMI_CONFIG_PASSPHRASE_FILE에 스택의 암호를 지정하세요.",
    "cli.upFailed": "{mode} 노출 방식에서 pulumi up이 실패했습니다: {reason}. 해당 리소스의 문제를 해결한 뒤 k8s-lab up을 다시 실행하세요(노드 로그는 k8s-lab diagnose로 모을 수 있습니다).",
    "cli.nodesUnknown": "노드: 이 머신에서 컨트롤 플레인 노드에 접속할 수 없어 상태를 알 수 없습니다({reason}). 이 머신의 주소가 adminCidrs에 있는지 확인하세요.",
    "cli.diagnoseNode": "{node} 노드: 수집했습니다.",
    "cli.diagnoseNodeFailed": "{node} 노드: 수집하지 못했습니다({reason}).",
    "cli.diagnoseNodePartial": "{node} 노드: 수집했지만 다음 항목은 수집하지 못했습니다: {missing}.",
    "diagnose.exit": "{what} (종료 코드 {code})",
    "diagnose.unreadable": "{what} (읽을 수 없음)",
    "diagnose.noApi": "API를 통한 클러스터 정보(API 서버가 응답하지 않음)",
    "cli.diagnoseSummary": "{file} 파일에 노드 {count}대 중 {collected}대의 로그를 모았습니다.",
    "cli.sshFailed": "{node} 노드에 SSH로 접속하지 못했습니다({reason}). 노드가 실행 중인지, 이 머신의 주소가 adminCidrs에 있는지 확인하세요(k8s-lab status).",
    "help.main": "k8s-lab: k8s-lab 스택을 운영하는 명령줄 도구입니다.\n\n사용법: k8s-lab <명령> [옵션]\n\n명령:\n  up                 스택을 적용하고 두 URL을 검증합니다. 네트워크 문제만 있으면 다른 노출 방식으로 전환합니다\n  verify             이 머신에서 두 URL을 검증합니다\n  status             URL별 검증 결과와 노드별 준비 상태를 보여 줍니다\n  urls               Bookinfo와 Grafana URL을 보여 줍니다\n  ssh [노드]         노드에 SSH로 접속합니다(기본값: 컨트롤 플레인 노드)\n  kubeconfig [파일]  관리자 kubeconfig를 권한 600으로 저장합니다\n  port-forward <동작>  port-forward 서비스를 start, stop, restart, status, logs 합니다\n  diagnose [파일]    모든 노드의 로그를 압축 파일 하나에 모읍니다\n  sweep              삭제 후 남은 리소스를 보여 줍니다(--delete를 주면 삭제합니다)\n  destroy            실습 환경의 클라우드 리소스를 삭제합니다(실행 중에는 비용이 발생합니다)\n  env                일반 pulumi 명령을 이 스택에 쓰기 위한 셸 export 문을 출력합니다\n  version            k8s-lab과 고정된 Pulumi CLI의 버전을 출력합니다\n  help [명령]        이 도움말이나 명령별 도움말을 보여 줍니다\n\n모든 명령은 --stack, -s <이름>(기본값: PULUMI_STACK, 없으면 로그인 이름의 개인 스택)과 --help, -h를 받습니다.\n--json을 주면 표준 출력에 JSON 문서 하나를 출력하고, 메시지는 표준 오류로 보냅니다.\n종료 코드: 0 완료, 1 비정상, 2 사용법 오류, 3 필요한 것이 없음, 4 원격 실패, 5 클라우드 실패, 6 내부 오류.",
    "help.up": "사용법: k8s-lab up [--policy-pack <폴더>] [--retry <초>] [--json]\n\n정책 팩과 함께 스택을 적용하고 이 머신에서 두 URL을 검증합니다. 접근 검증만 실패했고 그 결과가 네트워크 문제(시간 초과, 연결 거부, 접속 불가)라면 다음 노출 방식으로 다시 적용합니다. 실습 환경은 삭제될 때까지 URL을 제공하는 노출 방식을 유지합니다.\n\n  --policy-pack <폴더>  실행할 정책 팩(기본값: 저장소의 policy/)\n  --retry <초>          접근 검증이 실패한 뒤 다시 검증할 시간(기본값 0)\n  --json                결과 보고서를 표준 출력에 JSON으로 출력합니다",
    "help.verify": "사용법: k8s-lab verify [--retry <초>] [--json]\n\n이 머신에서 두 URL을 검증합니다. 상품 페이지 전체, 그리고 Grafana 로그인과 정상 상태의 Prometheus 데이터 소스가 각각 10초 안에 응답해야 합니다. 시도마다 결과를 표준 오류에 보여 줍니다.\n\n  --retry <초>  그 시간 동안 다시 시도합니다(기본값 0: 한 번)\n  --json        결과를 표준 출력에 JSON으로 출력합니다",
    "help.status": "사용법: k8s-lab status [--json]\n\nURL별 검증 결과와 노드별 준비 상태를 보여 줍니다. 이 머신에서 컨트롤 플레인 노드를 조회할 수 없으면 Unknown으로 표시합니다.",
    "help.urls": "사용법: k8s-lab urls [--json]\n\nBookinfo와 Grafana URL, 그리고 Grafana 관리자 비밀번호를 출력하는 방법을 보여 줍니다.",
    "help.ssh": "사용법: k8s-lab ssh [노드]\n\n실습 환경의 키로 노드에 SSH 접속합니다. 기본값은 컨트롤 플레인 노드이고, 워커 노드는 컨트롤 플레인 노드를 거쳐 접속합니다. 대화형 세션이라 --json은 없습니다.",
    "help.kubeconfig": "사용법: k8s-lab kubeconfig [파일] [--json]\n\n관리자 kubeconfig를 권한 600으로 저장합니다(기본값: ~/.kube/k8s-lab-<스택>).",
    "help.portForward": "사용법: k8s-lab port-forward start|stop|restart|status|logs [--json]\n\n컨트롤 플레인 노드의 port-forward 서비스를 제어합니다(portForward 노출 방식일 때만).",
    "help.diagnose": "사용법: k8s-lab diagnose [파일] [--json]\n\n모든 노드의 로그를 비밀 값을 가린 채 .tar.gz 압축 파일 하나에 모으고, 노드마다 수집하지 못한 것을 알려 줍니다.",
    "help.sweep": "사용법: k8s-lab sweep [--delete] [--json]\n\n실습 환경의 Project, Stack, LabId 태그(LAB_ID, 없으면 스택 출력)가 붙은 채 남은 AWS 리소스를 보여 줍니다. --delete를 주면 의존 순서대로 삭제합니다.",
    "setup.installing": "PATH에 Pulumi CLI가 없어 k8s-lab 전용으로 Pulumi {version} 버전을 {dir} 폴더에 설치합니다.",
    "setup.installFailed": "Pulumi CLI를 설치하지 못했습니다({reason}). 직접 설치한 뒤(README의 준비물 참고) k8s-lab up을 다시 실행하세요.",
    "setup.localBackend": "Pulumi 백엔드가 설정되어 있지 않아 상태를 이 머신의 {dir} 폴더에 둡니다(다른 곳을 쓰려면 pulumi login을 실행하세요).",
    "setup.passphraseAsk": "{stack} 스택의 비밀 값을 암호화할 암호를 입력하세요(다음 실행을 위해 보관합니다): ",
    "setup.passphraseKept": "{stack} 스택의 암호를 {file} 파일에 보관했습니다(권한 600). 이 암호가 없으면 상태를 복호화할 수 없으니 사본을 따로 보관하세요.",
    "setup.stackCreated": "나만의 실습 환경인 {stack} 스택을 만들었습니다(CI의 스택은 dev). 다른 스택은 --stack이나 PULUMI_STACK으로 고르세요.",
    "up.phase": "[{elapsed}] {phase} 단계",
    "phase.network": "네트워크",
    "phase.nodes": "노드",
    "phase.bootstrap": "부트스트랩",
    "phase.platform": "플랫폼",
    "phase.verification": "검증",
    "cli.policyPackMissing": "정책 팩을 실행할 수 없습니다. {dir} 폴더에 PulumiPolicy.yaml과 설치된 node_modules가 있어야 합니다. npm ci --prefix policy로 설치하거나, --policy-pack 옵션으로 설치된 팩의 폴더를 지정하세요.",
    "help.destroy": "사용법: k8s-lab destroy [--json]\n\n스택의 클라우드 리소스를 삭제합니다(up이 쓴 스택, 백엔드, 암호로 pulumi destroy를 실행합니다). 스택과 설정은 다음 up을 위해 남겨 둡니다. 삭제 후 남은 리소스는 k8s-lab sweep으로 확인하세요. Ctrl-C를 누르면 안전하게 취소하고, 한 번 더 누르면 바로 종료합니다.",
    "help.env": "사용법: k8s-lab env [--json]\n\n일반 pulumi 명령이 이 스택에서 동작하도록 셸에서 실행할 export 문을 출력합니다: PULUMI_STACK, PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE_FILE, 그리고 up이 설치한 Pulumi CLI 폴더를 PATH에 추가합니다. 사용법: eval \"$(npx --no k8s-lab env)\"",
    "help.version": "사용법: k8s-lab version [--json] (또는 k8s-lab --version)\n\nk8s-lab 버전과 up이 설치하는 Pulumi CLI 버전을 출력합니다.",
    "cli.version": "k8s-lab 버전 {version}, Pulumi CLI 버전 {pulumi}",
    "cli.destroyed": "{stack} 스택의 클라우드 리소스를 삭제했습니다. 삭제 후 남은 리소스는 k8s-lab sweep으로 확인하세요.",
    "cli.destroyNoStack": "이 백엔드에 {stack} 스택이 없어 삭제할 것이 없습니다. 다른 스택은 --stack이나 PULUMI_STACK으로 고르세요.",
    "cli.destroyFailed": "{stack} 스택의 pulumi destroy가 실패했습니다({reason}). k8s-lab destroy를 다시 실행하고, 남은 리소스는 k8s-lab sweep으로 확인하세요.",
    "cli.destroyCancelled": "{stack} 스택 삭제를 취소했습니다. 아직 남아 있는 리소스에 비용이 계속 발생하니 k8s-lab destroy를 다시 실행하세요.",
    "cli.cancelling": "취소하는 중입니다. 상태에 진행 중인 작업이나 잠금이 남지 않도록 pulumi가 시작한 작업을 마무리하고 있습니다. 바로 종료하려면 Ctrl-C를 한 번 더 누르세요.",
    "cli.setupFailed": "up을 실행할 수 있도록 {stack} 스택을 준비하지 못했습니다({reason}).",
    "cli.stackFileInvalid": "스택 파일을 읽을 수 없습니다({file}, {reason}). YAML 형식을 고치세요.",
    "cli.cannotWriteFolder": "{dir} 폴더에 쓸 수 없습니다({reason}). k8s-lab이 쓸 수 있는 폴더가 필요합니다(권한을 확인하거나 TMPDIR을 지정하세요).",
    "cli.optionNoValue": "{command} 명령의 {option} 옵션은 값을 받지 않습니다. 사용법을 보려면 k8s-lab help {command} 명령을 실행하세요.",
    "cli.exposureOverrideIgnored": "K8S_LAB_EXPOSURE={value} 설정은 무시합니다. 이 변수는 k8s-lab up이 한 번의 실행에만 설정합니다. 변수를 해제하세요(노출 방식은 설정 키 k8s-lab:exposure로 정합니다).",

    "policy.worldIngress": "{resource} 리소스가 {cidr} 대역에서 오는 {traffic} 트래픽을 허용합니다. 인터넷 전체에는 TCP {allowed} 포트만 열 수 있습니다.",
    "policy.worldUnknownPorts": "{resource} 리소스가 아직 알 수 없는 포트를 {cidr} 대역에 엽니다. 인터넷 전체에는 TCP {allowed} 포트만 열 수 있습니다.",
    "policy.worldAdmin": "{resource} 리소스가 {what} 포트 {port}번을 {cidr} 대역에 엽니다. SSH와 Kubernetes API는 팩 설정과 상관없이 인터넷 전체에 열 수 없습니다.",
    "policy.worldTogether": "보안 그룹 {group} 안의 규칙 {rules} 항목이 합쳐서 {traffic} 트래픽을 {family} 주소 {widest} 대역 하나보다 많은 주소에 허용합니다. 출발지는 합쳐서 이 크기까지만 허용되고, 인터넷 전체에는 TCP {allowed} 포트만 열 수 있습니다.",
    "policy.widePrefixList": "보안 그룹 {group} 안의 규칙 {rules} 항목이 접두사 목록 {list} 항목으로 {cidr} 대역에서 오는 {traffic} 트래픽을 허용합니다. 인터넷 전체에는 TCP {allowed} 포트만 열 수 있습니다.",
    "policy.allTraffic": "모든 프로토콜과 포트의",
    "policy.imdsv2": "{resource} 리소스가 IMDSv2를 요구하지 않습니다. metadataOptions.httpTokens 값을 required로 설정하거나 httpEndpoint 값을 disabled로 설정하세요.",
    "policy.imdsv2LaunchSpecification": "{resource} 리소스는 launchSpecifications 방식으로 인스턴스를 띄우는데, 이 방식으로는 IMDSv2를 요구할 수 없습니다. IMDSv2를 요구하는 시작 템플릿을 launchTemplateConfigs로 지정하세요.",
    "policy.unencrypted": "{resource} 리소스에 암호화되지 않은 볼륨이 있습니다({volume}). encrypted 값을 true로 설정하세요.",
    "policy.instanceType": "{resource} 리소스가 허용되지 않은 인스턴스 타입을 씁니다({instanceType}, 비용 문제). 허용되는 타입: {allowed}.",
    "policy.instanceTypeMissing": "{resource} 리소스에 인스턴스 타입이 없어서 허용 목록을 확인할 수 없습니다. instanceType 값을 다음 중 하나로 설정하세요: {allowed}.",
    "policy.instanceRequirements": "{resource} 리소스가 인스턴스 타입 선택을 속성 조건(instanceRequirements)으로 AWS에 맡겨서 허용 목록을 확인할 수 없습니다. 다음 중에서 타입을 직접 지정하세요: {allowed}.",
    "policy.noTypeAllowed": "{resource} 리소스를 확인할 수 없습니다. 팩 설정(allowedInstanceTypes)에 허용 목록({types})의 타입이 하나도 없어서 허용되는 인스턴스 타입이 없습니다.",
    "policy.tags": "{resource} 리소스에 필요한 태그가 없습니다: {missing}. 리소스 자체 태그나 프로바이더의 기본 태그로 붙이세요.",
    "policy.tagsOwn": "{resource} 리소스 자체 태그에 필요한 태그가 없습니다: {missing}. 프로바이더의 기본 태그는 오토 스케일링 그룹에 적용되지 않습니다.",
    "policy.loadBalancer": "{resource} 리소스가 LoadBalancer 서비스를 요청합니다({where}). 삭제해도 남는 AWS 로드 밸런서가 생기므로 NodePort를 쓰세요.",
    "policy.valuesFile": "{resource} 리소스가 팩이 읽을 수 없는 파일({file})에서 차트 값을 가져오므로 LoadBalancer 서비스를 요청하는지 확인할 수 없습니다. 값을 values로 넘기거나 파일을 직접 확인하세요.",

    "cost.header": "| 리소스 | 가격 | 근무일 하루 ({hours}시간) | 한 달 (근무일 {days}일) |",
    "cost.controlPlane": "컨트롤 플레인 노드, {type}, 온디맨드",
    "cost.workersSpot": "워커 노드 {count}대, {type}, 스팟",
    "cost.workersOnDemand": "워커 노드 {count}대, {type}, 온디맨드",
    "cost.natInstance": "NAT 인스턴스, {type}, 온디맨드",
    "cost.natGateway": "NAT 게이트웨이",
    "cost.natGatewayData": "NAT 게이트웨이 데이터 처리, 패키지와 이미지 약 {gb} GB",
    "cost.addressesNatInstance": "공인 IPv4 주소 {count}개 (컨트롤 플레인 노드, NAT 인스턴스)",
    "cost.addressesNatGateway": "공인 IPv4 주소 {count}개 (컨트롤 플레인 노드, NAT 게이트웨이)",
    "cost.volumes": "암호화된 gp3 루트 볼륨, {sizes}",
    "cost.total": "**합계**",
    "cost.provenance": "가격: {region} 리전, {date} 기준 (lib/prices.ts, 스팟 가격은 매일 바뀌며 견적이 아닙니다). 시간: .github/workflows/daily.yml의 일정(생성 UTC {up}, 삭제 UTC {down}, 일주일에 {days}일)에서 가져옵니다.",
    "cost.unknownRegion": "lib/prices.ts에 {region} 리전의 가격이 없으므로(있는 리전: {regions}) 추측하지 않고 비용 표를 만들지 않습니다.",
    "cost.unknownPrice": "lib/prices.ts에 {region} 리전의 {type} 유형 {capacity} 가격이 없으므로 추측하지 않고 비용 표를 만들지 않습니다.",
    "cost.capacitySpot": "스팟",
    "cost.capacityOnDemand": "온디맨드",
    "role.controlPlane": "컨트롤 플레인 노드(컨트롤 플레인, Grafana, productpage)",
    "role.worker": "워커 노드",
};

export const catalogue: Readonly<Record<Language, Catalogue>> = { en, ko };

export type MessageKey = keyof typeof en;

/** The parameter names a template mentions, as a union of string literal types. */
type ParamNames<S extends string> = S extends `${string}{${infer P}}${infer Rest}` ? Word<P> | ParamNames<Rest> : never;
/** A parameter is a word, as `message` reads it: Prometheus's `{{ $labels.app }}` is not one. */
type Word<P extends string> = P extends `${string}${" " | "{" | "$" | "."}${string}` ? never : P;

export type MessageParams<K extends MessageKey> = { readonly [P in ParamNames<(typeof en)[K]>]: string | number };

/** The `language` setting: `auto`, or a language. */
export const languageSettings = ["auto", "ko", "en"] as const;
export type LanguageSetting = (typeof languageSettings)[number];

/**
 * The language of what runs on the nodes (scripts' messages): the stack's setting, with `auto`
 * meaning Korean, the users' language. It never depends on who runs `up`, since it is part of
 * the remote commands' inputs.
 */
export function nodeLanguage(setting: LanguageSetting): Language {
    return setting === "en" ? "en" : "ko";
}

/**
 * The language of the operator's locale: the first of LC_ALL, LC_MESSAGES and LANG that is set
 * (`C` and `POSIX` count as unset, as CI runners set `C.UTF-8`); `ko*` is Korean, anything else
 * or nothing is English.
 */
export function languageFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): Language {
    for (const name of ["LC_ALL", "LC_MESSAGES", "LANG"]) {
        const value = env[name];
        if (value === undefined || value === "" || /^(C|POSIX)([._@].*)?$/.test(value)) continue;
        return value.toLowerCase().startsWith("ko") ? "ko" : "en";
    }
    return "en";
}

/** The language of the operator's terminal: the setting when it names one, else the locale. */
export function terminalLanguage(setting: string | undefined, env: Readonly<Record<string, string | undefined>> = process.env): Language {
    return setting === "ko" || setting === "en" ? setting : languageFromEnv(env);
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
