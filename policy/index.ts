import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("k8s-lab", { policies });
