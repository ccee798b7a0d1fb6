/**
 * What the workflows' role may do: build and destroy the lab's network and instances in one
 * region, read Canonical's image parameters, find leftovers by tag, and use the state bucket
 * and the secrets key. Nothing on IAM, nothing in other regions.
 */
export function workflowPolicy(args: { region: string; bucketArn: string; keyArn: string }): object {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "LabNetworkAndInstances",
                Effect: "Allow",
                Action: [
                    "ec2:Describe*",
                    "ec2:CreateVpc", "ec2:DeleteVpc", "ec2:ModifyVpcAttribute",
                    "ec2:CreateSubnet", "ec2:DeleteSubnet", "ec2:ModifySubnetAttribute",
                    "ec2:CreateInternetGateway", "ec2:DeleteInternetGateway", "ec2:AttachInternetGateway", "ec2:DetachInternetGateway",
                    "ec2:CreateRouteTable", "ec2:DeleteRouteTable", "ec2:CreateRoute", "ec2:DeleteRoute", "ec2:AssociateRouteTable", "ec2:DisassociateRouteTable",
                    "ec2:AllocateAddress", "ec2:ReleaseAddress", "ec2:CreateNatGateway", "ec2:DeleteNatGateway",
                    "ec2:CreateSecurityGroup", "ec2:DeleteSecurityGroup", "ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress",
                    "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress", "ec2:ModifySecurityGroupRules",
                    "ec2:ImportKeyPair", "ec2:DeleteKeyPair",
                    "ec2:RunInstances", "ec2:TerminateInstances", "ec2:StopInstances", "ec2:StartInstances", "ec2:ModifyInstanceAttribute", "ec2:ModifyInstanceMetadataOptions",
                    "ec2:DeleteVolume", "ec2:CreateTags", "ec2:DeleteTags",
                ],
                Resource: "*",
                Condition: { StringEquals: { "aws:RequestedRegion": args.region } },
            },
            {
                Sid: "UbuntuImages",
                Effect: "Allow",
                Action: ["ssm:GetParameter", "ssm:GetParameters"],
                Resource: `arn:aws:ssm:${args.region}::parameter/aws/service/canonical/*`,
            },
            { Sid: "Sweep", Effect: "Allow", Action: ["tag:GetResources"], Resource: "*" },
            { Sid: "StateBucket", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: args.bucketArn },
            { Sid: "StateObjects", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: `${args.bucketArn}/*` },
            { Sid: "SecretsKey", Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"], Resource: args.keyArn },
        ],
    };
}

/** Who may assume the role: this repository's workflows, on main and in its pull requests. */
export function trustPolicy(args: { oidcProviderArn: string; repository: string }): object {
    return {
        Version: "2012-10-17",
        Statement: [{
            Effect: "Allow",
            Principal: { Federated: args.oidcProviderArn },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
                StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
                StringLike: { "token.actions.githubusercontent.com:sub": [`repo:${args.repository}:ref:refs/heads/main`, `repo:${args.repository}:pull_request`] },
            },
        }],
    };
}
