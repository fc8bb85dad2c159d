import JSONValues

/// The SAM template deployed beside `function.zip`: one of the reference tutorials' stacks, as
/// one file. Either API in front answers from the same function. New versions go live through
/// the `live` alias, 10% of traffic for 5 minutes first, rolled back by CodeDeploy if the
/// function's or the API's error alarm fires.
public struct SAMTemplate: Sendable {
    /// Which API Gateway flavour fronts the function.
    public enum API: String, Sendable, CaseIterable {
        /// A REST API: API Gateway checks API keys and enforces a usage plan before an invocation.
        case rest
        /// An HTTP API (payload 2.0, native CORS): cheaper and faster, without keys or usage
        /// plans, so the function checks Magpie's own keys.
        case http
    }

    public var api: API
    /// Lambda's `Architectures` value: `x86_64` or `arm64`.
    public var architecture: String
    /// The served model names, local and remote, for the description.
    public var models: [String]
    /// SageMaker endpoints the function may invoke, each granted by its own ARN.
    public var sageMakerEndpoints: [String]
    /// Whether the stack holds a DynamoDB table for keys and quotas (`MAGPIE_DATABASE`).
    public var keyTable: Bool
    /// Environment variables of the function besides the `Environment` parameter's.
    public var environment: [(name: String, value: String)]
    public var defaultAppName: String
    /// Whether the stack retrains on new datasets: a models bucket, a training function, and the
    /// serving function's models read from the bucket (see `SAMTemplate+Retraining.swift`).
    public var retrain: Bool
    /// The function runs a container image (`PackageType: Image`) named by the `ImageUri`
    /// parameter, instead of `function.zip` on provided.al2023.
    public var image: Bool

    public init(
        api: API, architecture: String, models: [String], sageMakerEndpoints: [String], keyTable: Bool = false,
        environment: [(name: String, value: String)], defaultAppName: String, retrain: Bool = false, image: Bool = false
    ) {
        self.retrain = retrain
        self.image = image
        self.api = api
        self.architecture = architecture
        self.models = models
        self.sageMakerEndpoints = sageMakerEndpoints
        self.keyTable = keyTable
        self.environment = environment
        self.defaultAppName = defaultAppName
    }

    public var text: String {
        let (parameters, apiResources, events, apiAlarm, outputs) =
            switch api {
            case .rest: (Self.restParameters, Self.restResources, Self.restEvents, Self.restErrorAlarm, Self.restOutputs)
            case .http: (Self.httpParameters, Self.httpResources, Self.httpEvents, Self.httpErrorAlarm, Self.httpOutputs)
            }
        let description = "Magpie text classification API (\(models.joined(separator: ", "))), written by magpie package lambda"
        return """
            AWSTemplateFormatVersion: "2010-09-09"
            Transform: AWS::Serverless-2016-10-31
            Description: \(Self.quoted(description))

            Parameters:
              AppName:
                Type: String
                Default: \(Self.quoted(defaultAppName))
                AllowedPattern: "^[a-z][a-z0-9-]{0,39}$"
                Description: Prefix of every resource name.
              Environment:
                Type: String
                Default: dev
                AllowedValues: [dev, uat, prod]
                Description: Deployment environment, part of every resource name and tag.
            \(image ? Self.imageParameter : "")\(parameters)
            Resources:
            \(apiResources)
            \(hasTable ? Self.keyTableResource : "")
            \(retrain ? Self.modelBucketResource : "")
            \(function(events: events))
            \(retrain ? trainingFunction : "")
            \(Self.functionErrorAlarm)
            \(apiAlarm)
            Outputs:
            \(outputs)
            \(hasTable ? Self.keyTableOutput : "")
            \(retrain ? Self.modelBucketOutput : "")
              FunctionName:
                Value: !Ref Function

            """
    }

    /// The function, its alias and canary deployment, and (for remote models) the one IAM
    /// statement that lets it call exactly the named endpoints.
    func function(events: String) -> String {
        // With retraining, the models come from the bucket rather than the package.
        var variableLines = environment.filter { !retrain || $0.name != "MAGPIE_MODELS" }
            .map { "          \($0.name): \(Self.quoted($0.value))" }
        if hasTable { variableLines.append(#"          MAGPIE_DATABASE: !Sub "dynamodb://${KeyTable}""#) }
        if retrain { variableLines.append(#"          MAGPIE_MODELS: !Sub "s3://\#(Self.modelBucketName)/models/""#) }
        let variables = variableLines.joined(separator: "\n")
        return """
              Function:
                Type: AWS::Serverless::Function
                Properties:
                  FunctionName: !Sub "${AppName}-${Environment}"
                  Description: Magpie classifier behind API Gateway
            \(code)
                  MemorySize: 256
                  Timeout: 30
                  AutoPublishAlias: live
                  DeploymentPreference:
                    Type: Canary10Percent5Minutes
                    Alarms:
                      - !Ref FunctionErrorAlarm
                      - !Ref ApiServerErrorAlarm
                  Environment:
                    Variables:
                      MAGPIE_ENVIRONMENT: !Ref Environment
            \(variables)
            \(policies)
                  Events:
            \(events)
                  Tags:
                    App: !Ref AppName
                    Environment: !Ref Environment

            """
    }

    /// Where the function's code comes from: the zip on Lambda's provided.al2023, or the image.
    var code: String {
        image
            ? """
                  PackageType: Image
                  ImageUri: !Ref ImageUri
                  Architectures: [\(architecture)]
            """
            : """
                  CodeUri: function.zip
                  Handler: bootstrap
                  Runtime: provided.al2023
                  Architectures: [\(architecture)]
            """
    }

    static let imageParameter = """
          ImageUri:
            Type: String
            Description: The image from magpie package container in ECR, e.g. ACCOUNT.dkr.ecr.REGION.amazonaws.com/magpie:1 (push it with skopeo copy oci-archive:image.tar docker://...).

        """

    /// The table holds keys (an HTTP API's) and, with retraining, the model releases.
    var hasTable: Bool { keyTable || retrain }

    /// No statement at all without remote models or a key table: the function then needs only
    /// SAM's basic execution role (CloudWatch Logs).
    var policies: String {
        var statements: [String] = []
        if !sageMakerEndpoints.isEmpty {
            let resources = sageMakerEndpoints.map {
                "                - !Sub " + Self.quoted(SageMakerProxy(name: $0, endpoint: $0).arnSubstitution)
            }
            statements.append(
                """
                            - Sid: InvokeRemoteModels
                              Effect: Allow
                              Action: sagemaker:InvokeEndpoint
                              Resource:
                \(resources.joined(separator: "\n"))
                """)
        }
        if keyTable { statements.append(Self.keyTableStatement) }
        if retrain { statements.append(Self.readModelsStatement) }
        guard !statements.isEmpty else { return "" }
        return """
                  Policies:
                    - Version: "2012-10-17"
                      Statement:
            \(statements.joined(separator: "\n"))
            """
    }

    static let functionErrorAlarm = rollbackAlarm(
        "FunctionErrorAlarm", suffix: "function-errors",
        description: "Invocations of the live alias that failed; rolls a canary deployment back.",
        namespace: "AWS/Lambda", metric: "Errors",
        dimensions: [("FunctionName", "!Ref Function"), ("Resource", #"!Sub "${Function}:live""#)])

    /// An alarm that fires on any occurrence within a minute; the canary deployment rolls back
    /// when one of its alarms fires.
    static func rollbackAlarm(
        _ resource: String, suffix: String, description: String, namespace: String, metric: String,
        dimensions: [(name: String, value: String)]
    ) -> String {
        let dimensionLines = dimensions.map { "            - Name: \($0.name)\n              Value: \($0.value)" }
        return """
              \(resource):
                Type: AWS::CloudWatch::Alarm
                Properties:
                  AlarmName: !Sub "${AppName}-${Environment}-\(suffix)"
                  AlarmDescription: \(description)
                  Namespace: \(namespace)
                  MetricName: \(metric)
                  Dimensions:
            \(dimensionLines.joined(separator: "\n"))
                  Statistic: Sum
                  Period: 60
                  EvaluationPeriods: 1
                  Threshold: 0
                  ComparisonOperator: GreaterThanThreshold
                  TreatMissingData: notBreaching

            """
    }

    /// A YAML double-quoted scalar (JSON's string syntax, which YAML 1.2 includes).
    static func quoted(_ value: String) -> String {
        "\"" + JSONStringEscaping.escaped(value) + "\""
    }
}
