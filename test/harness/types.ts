/**
 * The resource type tokens the tests look resources up by, each spelled once: what the lab
 * and the CI stack declare, and what the mocks answer.
 */
export const types = {
    stack: "pulumi:pulumi:Stack",
    stackReference: "pulumi:pulumi:StackReference",
    awsProvider: "pulumi:providers:aws",
    kubernetesProvider: "pulumi:providers:kubernetes",
    dynamic: "pulumi-nodejs:dynamic:Resource",

    // The lab's components.
    network: "k8slab:index:Network",
    placementCheck: "k8slab:index:PlacementCheck",

    vpc: "aws:ec2/vpc:Vpc",
    subnet: "aws:ec2/subnet:Subnet",
    internetGateway: "aws:ec2/internetGateway:InternetGateway",
    natGateway: "aws:ec2/natGateway:NatGateway",
    eip: "aws:ec2/eip:Eip",
    route: "aws:ec2/route:Route",
    routeTable: "aws:ec2/routeTable:RouteTable",
    routeTableAssociation: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egressRule: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    keyPair: "aws:ec2/keyPair:KeyPair",
    instance: "aws:ec2/instance:Instance",

    privateKey: "tls:index/privateKey:PrivateKey",
    selfSignedCert: "tls:index/selfSignedCert:SelfSignedCert",
    locallySignedCert: "tls:index/locallySignedCert:LocallySignedCert",
    certRequest: "tls:index/certRequest:CertRequest",
    randomId: "random:index/randomId:RandomId",
    randomPassword: "random:index/randomPassword:RandomPassword",
    remoteCommand: "command:remote:Command",
    localCommand: "command:local:Command",
    ssmParameter: "aws:ssm/parameter:Parameter",

    chart: "kubernetes:helm.sh/v4:Chart",
    namespace: "kubernetes:core/v1:Namespace",
    service: "kubernetes:core/v1:Service",
    secret: "kubernetes:core/v1:Secret",
    configMap: "kubernetes:core/v1:ConfigMap",
    serviceAccount: "kubernetes:core/v1:ServiceAccount",
    role: "kubernetes:rbac.authorization.k8s.io/v1:Role",
    roleBinding: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
    deployment: "kubernetes:apps/v1:Deployment",
    job: "kubernetes:batch/v1:Job",
    prometheusRule: "kubernetes:monitoring.coreos.com/v1:PrometheusRule",

    // The CI stack.
    oidcProvider: "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
    iamRole: "aws:iam/role:Role",
    iamRolePolicy: "aws:iam/rolePolicy:RolePolicy",
    serviceLinkedRole: "aws:iam/serviceLinkedRole:ServiceLinkedRole",
    kmsKey: "aws:kms/key:Key",
    bucket: "aws:s3/bucket:Bucket",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    bucketVersioning: "aws:s3/bucketVersioning:BucketVersioning",
    bucketPublicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    bucketEncryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    bucketLifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    budget: "aws:budgets/budget:Budget",
} as const;
