package store

import (
	"context"
	"encoding/json"
	"fmt"

	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	v1 "github.com/opencontainers/image-spec/specs-go/v1"
	istorage "go.podman.io/image/v5/storage"
	"go.podman.io/image/v5/types"
)

// storageRef is the containers-storage transport's reference to a stored image,
// so containers-image can read it as any other image source.
func (s *Store) storageRef(img *Image) (types.ImageReference, error) {
	ref, err := istorage.Transport.NewStoreReference(s.store, nil, img.ID)
	if err != nil {
		return nil, fmt.Errorf("image %s: %w", img.ShortID(), err)
	}
	return ref, nil
}

// ImageConfig returns the image's OCI config (entrypoint, cmd, env, workdir,
// user, exposed ports, volumes, labels, rootfs diff IDs) as a container needs it.
func (s *Store) ImageConfig(ctx context.Context, img *Image) (*v1.Image, error) {
	src, err := s.openImage(ctx, img)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	cfg, err := src.OCIConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("read config of image %s: %w", img.ShortID(), err)
	}
	return cfg, nil
}

func (s *Store) openImage(ctx context.Context, img *Image) (types.ImageCloser, error) {
	ref, err := s.storageRef(img)
	if err != nil {
		return nil, err
	}
	src, err := ref.NewImage(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("open image %s: %w", img.ShortID(), err)
	}
	return src, nil
}

// dockerConfig reads the config as docker's own type, which keeps what OCI
// drops (Healthcheck, OnBuild, Shell). A docker config is read as it was
// written; an OCI one fills the common fields.
func (s *Store) dockerConfig(ctx context.Context, img *Image) (*dockerspec.DockerOCIImage, error) {
	src, err := s.openImage(ctx, img)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	blob, err := src.ConfigBlob(ctx)
	if err == nil && len(blob) > 0 {
		var out dockerspec.DockerOCIImage
		if err := json.Unmarshal(blob, &out); err == nil {
			return &out, nil
		}
	}
	oci, err := src.OCIConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("read config of image %s: %w", img.ShortID(), err)
	}
	return &dockerspec.DockerOCIImage{Image: *oci, Config: dockerspec.DockerOCIImageConfig{ImageConfig: oci.Config}}, nil
}
