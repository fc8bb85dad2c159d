import JSONValues

/// The SAM template deployed beside `function.zip`: the reference tutorial's stack, as one
/// file. A REST API stage `v1` requires an API key on every POST, with a usage plan (quota,
/// rate and burst as parameters) enforced by API Gateway, so abusive traffic is refused before
/// it costs an invocation; OPTIONS stays open for CORS preflight. New versions go live through
/// the `live` alias, 10% of traffic for 5 minutes first, rolled back by CodeDeploy if either
/// alarm fires.
public struct SAMTemplate: Sendable {
    /// Lambda's `Architectures` value: `x86_64` or `arm64`.
    public var architecture: String
    /// The served model names, for the description.
    public var models: [String]
    /// Environment variables of the function besides the `Environment` parameter's.
    public var environment: [(name: String, value: String)]
    public var defaultAppName: String

    public init(architecture: String, models: [String], environment: [(name: String, value: String)], defaultAppName: String) {
        self.architecture = architecture
        self.models = models
        self.environment = environment
        self.defaultAppName = defaultAppName
    }

    public var text: String {
        let variables = environment.map { "          \($0.name): \(Self.quoted($0.value))" }.joined(separator: "\n")
        return """
            AWSTemplateFormatVersion: "2010-09-09"
            Transform: AWS::Serverless-2016-10-31
            Description: \(Self.quoted("Magpie text classification API (\(models.joined(separator: ", "))), written by magpie package lambda"))

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
              QuotaLimit:
                Type: Number
                Default: 10000
                MinValue: 1
                Description: Requests each API key may make per QuotaPeriod.
              QuotaPeriod:
                Type: String
                Default: MONTH
                AllowedValues: [DAY, WEEK, MONTH]
              ThrottleRateLimit:
                Type: Number
                Default: 1000
                MinValue: 1
                Description: Steady-state requests per second per API key.
              ThrottleBurstLimit:
                Type: Number
                Default: 1000
                MinValue: 1
                Description: Requests per API key that may arrive at once above the rate.

            Resources:
              Api:
                Type: AWS::Serverless::Api
                Properties:
                  Name: !Sub "${AppName}-${Environment}"
                  StageName: v1
                  Auth:
                    ApiKeyRequired: true
                    AddApiKeyRequiredToCorsPreflight: false
                  Tags:
                    App: !Ref AppName
                    Environment: !Ref Environment

              ApiKey:
                Type: AWS::ApiGateway::ApiKey
                Properties:
                  Name: !Sub "${AppName}-${Environment}-key"
                  Enabled: true
                  Tags:
                    - Key: App
                      Value: !Ref AppName
                    - Key: Environment
                      Value: !Ref Environment

              UsagePlan:
                Type: AWS::ApiGateway::UsagePlan
                Properties:
                  UsagePlanName: !Sub "${AppName}-${Environment}-plan"
                  ApiStages:
                    - ApiId: !Ref Api
                      Stage: !Ref Api.Stage
                  Quota:
                    Limit: !Ref QuotaLimit
                    Period: !Ref QuotaPeriod
                  Throttle:
                    RateLimit: !Ref ThrottleRateLimit
                    BurstLimit: !Ref ThrottleBurstLimit
                  Tags:
                    - Key: App
                      Value: !Ref AppName
                    - Key: Environment
                      Value: !Ref Environment

              UsagePlanKey:
                Type: AWS::ApiGateway::UsagePlanKey
                Properties:
                  KeyId: !Ref ApiKey
                  KeyType: API_KEY
                  UsagePlanId: !Ref UsagePlan

              Function:
                Type: AWS::Serverless::Function
                Properties:
                  FunctionName: !Sub "${AppName}-${Environment}"
                  Description: Magpie classifier behind API Gateway
                  CodeUri: function.zip
                  Handler: bootstrap
                  Runtime: provided.al2023
                  Architectures: [\(architecture)]
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
                  Events:
                    Infer:
                      Type: Api
                      Properties:
                        RestApiId: !Ref Api
                        Path: /infer/{model}
                        Method: POST
                        Auth:
                          ApiKeyRequired: true
                    InferPreflight:
                      Type: Api
                      Properties:
                        RestApiId: !Ref Api
                        Path: /infer/{model}
                        Method: OPTIONS
                        Auth:
                          ApiKeyRequired: false
                  Tags:
                    App: !Ref AppName
                    Environment: !Ref Environment

              FunctionErrorAlarm:
                Type: AWS::CloudWatch::Alarm
                Properties:
                  AlarmName: !Sub "${AppName}-${Environment}-function-errors"
                  AlarmDescription: Invocations of the live alias that failed; rolls a canary deployment back.
                  Namespace: AWS/Lambda
                  MetricName: Errors
                  Dimensions:
                    - Name: FunctionName
                      Value: !Ref Function
                    - Name: Resource
                      Value: !Sub "${Function}:live"
                  Statistic: Sum
                  Period: 60
                  EvaluationPeriods: 1
                  Threshold: 0
                  ComparisonOperator: GreaterThanThreshold
                  TreatMissingData: notBreaching

              ApiServerErrorAlarm:
                Type: AWS::CloudWatch::Alarm
                Properties:
                  AlarmName: !Sub "${AppName}-${Environment}-api-5xx"
                  AlarmDescription: Answers with a 5xx status (a model that fails to load, a crashed runtime); rolls a canary deployment back.
                  Namespace: AWS/ApiGateway
                  MetricName: 5XXError
                  Dimensions:
                    - Name: ApiName
                      Value: !Sub "${AppName}-${Environment}"
                    - Name: Stage
                      Value: v1
                  Statistic: Sum
                  Period: 60
                  EvaluationPeriods: 1
                  Threshold: 0
                  ComparisonOperator: GreaterThanThreshold
                  TreatMissingData: notBreaching

            Outputs:
              InferUrl:
                Description: POST a JSON object with a text field to this URL followed by a model name, with the x-api-key header.
                Value: !Sub "https://${Api}.execute-api.${AWS::Region}.amazonaws.com/v1/infer/"
              ApiKeyId:
                Description: "The key's value: aws apigateway get-api-key --include-value --api-key <id>"
                Value: !Ref ApiKey
              FunctionName:
                Value: !Ref Function

            """
    }

    /// A YAML double-quoted scalar (JSON's string syntax, which YAML 1.2 includes).
    static func quoted(_ value: String) -> String {
        "\"" + JSONStringEscaping.escaped(value) + "\""
    }
}
