/// `--retrain`: the reference stack's next step, retraining when a dataset lands in S3. One
/// bucket holds `datasets/NAME/…` (new data) and `models/NAME/VERSION/…` (the versions); the
/// training function, the same binary with `MAGPIE_FUNCTION=training`, runs on each new
/// dataset and every 5 minutes (for datasets a running canary kept waiting), and records
/// versions and canaries in the stack's table, where the serving function reads them. The
/// bucket's ARN is written out rather than referenced, so the bucket's notification, the
/// function and its role do not depend on each other in a cycle.
extension SAMTemplate {
    static let modelBucketName = #"${AppName}-${Environment}-models-${AWS::AccountId}"#
    static let modelBucketARN = "arn:${AWS::Partition}:s3:::" + modelBucketName

    static let modelBucketResource = """
          ModelBucket:
            Type: AWS::S3::Bucket
            DeletionPolicy: Retain
            UpdateReplacePolicy: Retain
            Properties:
              BucketName: !Sub "\(modelBucketName)"
              VersioningConfiguration:
                Status: Enabled
              BucketEncryption:
                ServerSideEncryptionConfiguration:
                  - ServerSideEncryptionByDefault:
                      SSEAlgorithm: AES256
              PublicAccessBlockConfiguration:
                BlockPublicAcls: true
                BlockPublicPolicy: true
                IgnorePublicAcls: true
                RestrictPublicBuckets: true
              Tags:
                - Key: App
                  Value: !Ref AppName
                - Key: Environment
                  Value: !Ref Environment

        """

    /// Read the versions under `models/`, nothing else of the bucket.
    static let readModelsStatement = """
                    - Sid: ReadModelVersions
                      Effect: Allow
                      Action: s3:GetObject
                      Resource: !Sub "\(modelBucketARN)/models/*"
                    - Sid: ListModelVersions
                      Effect: Allow
                      Action: s3:ListBucket
                      Resource: !Sub "\(modelBucketARN)"
                      Condition:
                        StringLike:
                          s3:prefix: models/*
                    - Sid: ReadReleases
                      Effect: Allow
                      Action:
                        - dynamodb:DescribeTable
                        - dynamodb:GetItem
                        - dynamodb:PutItem
                        - dynamodb:UpdateItem
                      Resource: !GetAtt KeyTable.Arn
        """

    var trainingFunction: String {
        """
          TrainingFunction:
            Type: AWS::Serverless::Function
            Properties:
              FunctionName: !Sub "${AppName}-${Environment}-training"
              Description: Magpie retraining on new datasets in the models bucket
        \(code)
              MemorySize: 3008
              Timeout: 900
              EphemeralStorage:
                Size: 2048
              ReservedConcurrentExecutions: 1
              Environment:
                Variables:
                  MAGPIE_FUNCTION: training
                  MAGPIE_ENVIRONMENT: !Ref Environment
                  MAGPIE_MODELS: !Sub "s3://\(Self.modelBucketName)/models/"
                  MAGPIE_DATASETS: !Sub "s3://\(Self.modelBucketName)/datasets/"
                  MAGPIE_DATABASE: !Sub "dynamodb://${KeyTable}"
              Policies:
                - Version: "2012-10-17"
                  Statement:
                    - Sid: ReadDatasetsAndVersions
                      Effect: Allow
                      Action: s3:GetObject
                      Resource:
                        - !Sub "\(Self.modelBucketARN)/datasets/*"
                        - !Sub "\(Self.modelBucketARN)/models/*"
                    - Sid: PublishVersions
                      Effect: Allow
                      Action: s3:PutObject
                      Resource: !Sub "\(Self.modelBucketARN)/models/*"
                    - Sid: ListDatasetsAndVersions
                      Effect: Allow
                      Action: s3:ListBucket
                      Resource: !Sub "\(Self.modelBucketARN)"
                      Condition:
                        StringLike:
                          s3:prefix:
                            - datasets/*
                            - models/*
                    - Sid: RecordVersionsAndCanaries
                      Effect: Allow
                      Action:
                        - dynamodb:DescribeTable
                        - dynamodb:GetItem
                        - dynamodb:PutItem
                        - dynamodb:UpdateItem
                        - dynamodb:Scan
                      Resource: !GetAtt KeyTable.Arn
              Events:
                DatasetCreated:
                  Type: S3
                  Properties:
                    Bucket: !Ref ModelBucket
                    Events: s3:ObjectCreated:*
                    Filter:
                      S3Key:
                        Rules:
                          - Name: prefix
                            Value: datasets/
                WaitingDatasets:
                  Type: Schedule
                  Properties:
                    Schedule: rate(5 minutes)
              Tags:
                App: !Ref AppName
                Environment: !Ref Environment

        """
    }

    static let modelBucketOutput = """
          ModelBucket:
            Description: "Upload versions with: aws s3 sync models/ s3://BUCKET/models/; new datasets go to s3://BUCKET/datasets/NAME/"
            Value: !Ref ModelBucket
        """
}
